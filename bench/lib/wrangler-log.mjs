/**
 * Reads `wrangler dev` output line by line for what the Worker and the local queue report:
 *   miniflare's "QUEUE <name> <acked>/<total> (<ms>ms)" after every consumer batch,
 *   {"msg":"render.batch",kind,count,ms} from the render phase (src/send/render-phase.ts),
 *   {"msg":"sweep",...} from the cron sweeper, and error lines.
 */
export function createLogReader() {
  /** @type {Map<string, { batches: number, messages: number, acked: number, ms: number[], sizes: number[] }>} */
  const queues = new Map();
  /** @type {{ count: number, ms: number }[]} */
  const renders = [];
  const sweeps = { runs: 0, requeued: 0, leasesExpired: 0, enqueueFailures: 0 };
  const errors = { count: 0, samples: /** @type {string[]} */ ([]) };

  /** @param {string} raw */
  function read(raw) {
    // Colours are on when wrangler thinks it has a terminal; strip them either way.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the ANSI colour codes this strips.
    const line = raw.replace(/\x1b\[[0-9;]*m/g, "");
    const queue = /QUEUE (\S+) (\d+)\/(\d+)(?: \((\d+)ms\))?/.exec(line);
    if (queue) {
      const [, name, acked, total, ms] = queue;
      const q = queues.get(name) ?? { batches: 0, messages: 0, acked: 0, ms: [], sizes: [] };
      q.batches++;
      q.messages += Number(total);
      q.acked += Number(acked);
      q.sizes.push(Number(total));
      if (ms !== undefined) q.ms.push(Number(ms));
      queues.set(name, q);
      return;
    }
    const json = line.indexOf('{"level"');
    if (json >= 0) {
      let entry;
      try {
        entry = JSON.parse(line.slice(json));
      } catch {
        entry = undefined;
      }
      // The "render one email" figure is a notification's: digests render their own template.
      if (entry?.msg === "render.batch" && (entry.kind ?? "notification") === "notification") renders.push({ count: Number(entry.count), ms: Number(entry.ms) });
      else if (entry?.msg === "sweep") {
        sweeps.runs++;
        for (const k of /** @type {const} */ (["requeued", "leasesExpired", "enqueueFailures"])) sweeps[k] += Number(entry[k] ?? 0);
      } else if (entry?.level === "error") note(line);
      return;
    }
    // Not "Error: getaddrinfo … workers.cloudflare.com": wrangler looking for Request.cf offline.
    if (/\[ERROR\]|Uncaught/.test(line)) note(line);
  }

  /** @param {string} line */
  function note(line) {
    errors.count++;
    if (errors.samples.length < 5) errors.samples.push(line.slice(0, 300));
  }

  /** Forgets the queue batches, renders and sweeps read so far (a warm-up's); error lines stay counted. */
  function restart() {
    queues.clear();
    renders.length = 0;
    for (const k of /** @type {const} */ (["runs", "requeued", "leasesExpired", "enqueueFailures"])) sweeps[k] = 0;
  }

  return { read, restart, queues, renders, sweeps, errors };
}
