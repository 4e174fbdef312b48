import { createServer } from "node:net";

/**
 * Asks the OS for a free TCP port on 127.0.0.1.
 * Another process could take it before the caller binds it; prefer listening on port 0 directly
 * wherever the server allows it and use this only for servers that need a number up front.
 * @param {string} [host]
 * @returns {Promise<number>}
 */
export function freePort(host = "127.0.0.1") {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, host, () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}
