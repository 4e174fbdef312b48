/**
 * The behaviour knobs every provider fake shares: a global behaviour and per-recipient overrides.
 * Test files run in parallel against one fake, so a test that injects failures scopes them to its
 * own address instead of failing everyone else's mail.
 *
 * @template {object} B
 * @param {B} initial  the start-up behaviour; scoped overrides build on it, not on the current global one
 * @param {(b: B) => B} validate  refuses nonsensical values, so a typo in a test shows at once
 */
export function createBehaviours(initial, validate) {
  let global = { ...initial };
  /** @type {Map<string, B>} lowercased address → behaviour */
  const scoped = new Map();
  return {
    get global() {
      return global;
    },
    /** The behaviour of the first of `addresses` that has its own, else the global one. @param {Iterable<string>} addresses */
    for(addresses) {
      if (scoped.size > 0)
        for (const a of addresses) {
          const b = scoped.get(a.toLowerCase());
          if (b) return b;
        }
      return global;
    },
    /** With `to`, changes only that recipient's behaviour. @param {Partial<B> & { to?: string }} patch */
    set({ to, ...patch }) {
      if (to) {
        const next = validate({ ...(scoped.get(to.toLowerCase()) ?? initial), ...patch });
        scoped.set(to.toLowerCase(), next);
        return { ...next };
      }
      global = validate({ ...global, ...patch });
      return { ...global };
    },
    /** Forgets one recipient's behaviour, or every change. @param {string} [to] */
    reset(to) {
      if (to) scoped.delete(to.toLowerCase());
      else {
        global = { ...initial };
        scoped.clear();
      }
    },
    /** What GET /__fake/behaviour shows. */
    snapshot() {
      return { ...global, scoped: Object.fromEntries(scoped) };
    },
  };
}

/**
 * Collects a request body; null when it exceeds `limit` (the rest is drained, not buffered).
 * @param {import("node:http").IncomingMessage} req
 * @param {number} limit
 * @returns {Promise<Buffer | null>}
 */
export function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > limit ? null : Buffer.concat(chunks, size)));
    req.on("error", reject);
  });
}
