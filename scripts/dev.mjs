#!/usr/bin/env node
// `npm run dev`: the whole service on one machine with only Node (scripts/lib/local-stack.mjs):
// an embedded PostgreSQL kept in .data/pglite (or DATABASE_URL), migrations, the demo
// organisation, the WebSocket bridge the Neon driver needs locally, `wrangler dev` with the
// capture provider, and wrangler.toml's crons, which `wrangler dev` does not fire by itself.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startLocalStack } from "./lib/local-stack.mjs";
import { newApiKey } from "./lib/seed.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dataDir = path.join(root, ".data");

/**
 * A value made once and kept beside the embedded database, so it survives restarts: the demo key
 * (only its hash is in the database), the sealing key, the link-signing keys (links in captured
 * mail keep working).
 * @param {string} file @param {string | undefined} given @param {() => string} make
 */
async function kept(file, given, make) {
  if (given) return given;
  const at = path.join(dataDir, file);
  if (existsSync(at)) return (await readFile(at, "utf8")).trim();
  const value = make();
  await mkdir(dataDir, { recursive: true });
  await writeFile(at, `${value}\n`, { mode: 0o600 });
  return value;
}

async function main() {
  // wrangler runs in a process group of its own: Ctrl-C must stop it, during start-up too.
  const starting = new AbortController();
  /** @type {{ stop: () => Promise<void> } | undefined} */
  let running;
  const shutdown = async () => {
    // During start-up, the stack stops what it started and main() exits (see its catch).
    if (!running) return starting.abort(new Error("interrupted during start-up"));
    await running.stop();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);

  const databaseUrl = process.env.DATABASE_URL;
  console.log(databaseUrl ? `[tidings] using DATABASE_URL (${new URL(databaseUrl).host})` : "[tidings] embedded PostgreSQL (data in .data/pglite)");
  const stack = await startLocalStack({
    root,
    database: databaseUrl
      ? { url: databaseUrl }
      : { dataDir: path.join(dataDir, "pglite"), ...(process.env.TIDINGS_DEV_PG_PORT ? { port: Number(process.env.TIDINGS_DEV_PG_PORT) } : {}) },
    port: Number(process.env.PORT ?? 8787),
    apiKey: await kept("dev-api-key", process.env.TIDINGS_DEV_API_KEY, newApiKey),
    vars: {
      EMAIL_PROVIDERS: process.env.EMAIL_PROVIDERS ?? "capture",
      SECRETS_KEY: await kept("secrets-key", process.env.SECRETS_KEY, () => randomBytes(32).toString("base64")),
      TOKEN_SIGNING_KEYS: await kept("token-signing-keys", process.env.TOKEN_SIGNING_KEYS, () => `dev1:${randomBytes(32).toString("base64url")}`),
      ...(process.env.SENDGRID_BASE_URL ? { SENDGRID_BASE_URL: process.env.SENDGRID_BASE_URL } : {}),
      ...(process.env.SENDGRID_API_KEY ? { SENDGRID_API_KEY: process.env.SENDGRID_API_KEY } : {}),
    },
    redis: true,
    crons: true,
    output: { echo: true },
    signal: starting.signal,
  });
  running = stack;

  console.log(`
[tidings] listening on ${stack.url}
[tidings] demo API key: ${stack.apiKey}
[tidings] dashboard:    ${stack.url}/dashboard (sign in with the demo key)
[tidings] sent mail:    ${stack.url}/dev/outbox
[tidings] try:
  curl -s -X POST ${stack.url}/v1/events \\
    -H "authorization: Bearer ${stack.apiKey}" -H "content-type: application/json" \\
    -d '{"type":"comment.created","recipients":[{"id":"u1","email":"ada@example.com","name":"Ada"}],"data":{"author":"Grace","task":"Ship v1","comment":"Looks good","url":"https://example.com/t/1"}}'
`);

  const code = await stack.wrangler.exit;
  await stack.stop();
  process.exit(code ?? 0);
}

main().catch((e) => {
  if (e instanceof Error && e.message === "interrupted during start-up") process.exit(0);
  console.error(e);
  process.exit(1);
});
