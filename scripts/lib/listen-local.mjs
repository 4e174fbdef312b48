/**
 * Starts an HTTP fake's server on 127.0.0.1 and resolves once it listens (port 0: any free port),
 * with the port it got and a stop() that closes open connections before the server itself.
 *
 * @param {import("node:http").Server} server
 * @param {number} port
 * @returns {Promise<{ port: number, stop: () => Promise<void> }>}
 */
export async function listenLocal(server, port) {
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(undefined));
  });
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;

  async function stop() {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(() => resolve(undefined)));
  }
  return { port: actualPort, stop };
}
