import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * Prepares the configs `wrangler dev` runs with, in the app snapshot `app` (see snapshot.mjs):
 * its wrangler.toml, and with `gate` the depth scenario's queue gate (bench/gate) beside it.
 *
 * With the gate, each queue consumer of wrangler.toml other than a dead-letter queue is renamed
 * "<queue>-release" in the copy, keeping its batching and retry settings; the gate consumes the
 * original queue and forwards to that name once released.
 *
 * @param {{ app: string, gateMain: string, gate?: { controlUrl: string } }} options
 * @returns {Promise<{ configs: string[], heldQueues: string[] }>}  configs: primary first
 */
export async function writeWranglerConfigs({ app, gateMain, gate }) {
  const primary = path.join(app, "wrangler.toml");
  const source = await readFile(primary, "utf8");
  let toml = source;
  const deadLetter = new Set([...source.matchAll(/^dead_letter_queue\s*=\s*"([^"]+)"/gm)].map((m) => m[1]));
  /** @type {string[]} */
  const heldQueues = [];
  if (gate) {
    // Split before every table header and rename `queue` inside consumer tables only.
    toml = toml
      .split(/^(?=\[)/m)
      .map((block) => {
        if (!block.startsWith("[[queues.consumers]]")) return block;
        return block.replace(/^queue\s*=\s*"([^"]+)"/m, (line, queue) => {
          if (deadLetter.has(queue)) return line;
          heldQueues.push(queue);
          return `queue = ${JSON.stringify(`${queue}-release`)}`;
        });
      })
      .join("");
  }
  await writeFile(primary, toml);
  if (!gate) return { configs: [primary], heldQueues };

  const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(source)?.[1] ?? "2026-04-20";
  const routes = Object.fromEntries(heldQueues.map((q, i) => [q, `RELEASE_${i}`]));
  const gateConfig = {
    name: "tidings-bench-gate",
    main: gateMain,
    compatibility_date: compatibilityDate,
    vars: { CONTROL_URL: gate.controlUrl, ROUTES: JSON.stringify(routes) },
    queues: {
      producers: heldQueues.map((q, i) => ({ binding: `RELEASE_${i}`, queue: `${q}-release` })),
      // Forwarding is cheap, so full batches and many retries: a gate error must not drop mail.
      consumers: heldQueues.map((q) => ({ queue: q, max_batch_size: 100, max_batch_timeout: 1, max_retries: 100 })),
    },
  };
  const gatePath = path.join(app, "gate.json");
  await writeFile(gatePath, JSON.stringify(gateConfig, null, 2));
  return { configs: [primary, gatePath], heldQueues };
}
