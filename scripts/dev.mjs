#!/usr/bin/env node
// `npm run dev`: the whole service on one machine with only Node. An embedded PostgreSQL (or
// DATABASE_URL), migrations, the demo organisation, the WebSocket bridge the Neon driver needs
// locally, and `wrangler dev` with the capture provider; cron is driven every minute through
// wrangler's /__scheduled endpoint, since `wrangler dev` does not fire cron triggers by itself.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startEmbeddedPostgres } from "./lib/embedded-postgres.mjs";
import { applyMigrations } from "./lib/migrate.mjs";
import { freePort } from "./lib/ports.mjs";
import { newApiKey, seedDemo } from "./lib/seed.mjs";
import { startWsBridge } from "./lib/ws-bridge.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dataDir = path.join(root, ".data");
const port = Number(process.env.PORT ?? 8787);
const stops = [];

async function devApiKey() {
  if (process.env.TIDINGS_DEV_API_KEY) return process.env.TIDINGS_DEV_API_KEY;
  // Only a hash is in the database, so the key itself is kept beside it for the next start.
  const file = path.join(dataDir, "dev-api-key");
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const key = newApiKey();
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  return key;
}

/** A sealing key for provider credentials, made once and kept beside the embedded database. */
async function devSecretsKey() {
  if (process.env.SECRETS_KEY) return process.env.SECRETS_KEY;
  const file = path.join(dataDir, "secrets-key");
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const key = randomBytes(32).toString("base64");
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  return key;
}

/** Signing keys for recipients' unsubscribe and preference links (`id:base64url`), made once so links in captured mail keep working. */
async function devTokenSigningKeys() {
  if (process.env.TOKEN_SIGNING_KEYS) return process.env.TOKEN_SIGNING_KEYS;
  const file = path.join(dataDir, "token-signing-keys");
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const keys = `dev1:${randomBytes(32).toString("base64url")}`;
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${keys}\n`, { mode: 0o600 });
  return keys;
}

async function main() {
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const pgPort = Number(process.env.TIDINGS_DEV_PG_PORT ?? (await freePort()));
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "pglite"), port: pgPort });
    stops.push(embedded.stop);
    databaseUrl = embedded.url;
    console.log(`[tidings] embedded PostgreSQL at ${databaseUrl} (data in .data/pglite)`);
  } else {
    console.log(`[tidings] using DATABASE_URL (${new URL(databaseUrl).host})`);
  }
  await applyMigrations(databaseUrl);
  const apiKey = await devApiKey();
  await seedDemo(databaseUrl, { apiKey });
  const db = new URL(databaseUrl);
  // The bridge reaches only the database, so it is no open relay.
  const bridge = await startWsBridge({ allow: (h, p) => h === db.hostname && Number(p) === Number(db.port || 5432) });
  stops.push(bridge.stop);

  const vars = {
    DATABASE_URL: databaseUrl,
    DATABASE_WS_PROXY: `127.0.0.1:${bridge.port}`,
    EMAIL_PROVIDERS: process.env.EMAIL_PROVIDERS ?? "capture",
    DEV_MODE: "true",
    SECRETS_KEY: await devSecretsKey(),
    TOKEN_SIGNING_KEYS: await devTokenSigningKeys(),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    ...(process.env.SENDGRID_BASE_URL ? { SENDGRID_BASE_URL: process.env.SENDGRID_BASE_URL } : {}),
    ...(process.env.SENDGRID_API_KEY ? { SENDGRID_API_KEY: process.env.SENDGRID_API_KEY } : {}),
  };
  const args = ["wrangler", "dev", "--port", String(port), "--ip", "127.0.0.1", "--test-scheduled", "--show-interactive-dev-session=false"];
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  const wrangler = spawn("npx", args, { cwd: root, stdio: "inherit", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });

  // The same schedules as wrangler.toml's [triggers]: the sweeper every minute, digests every five.
  let minute = 0;
  const cron = setInterval(() => {
    minute++;
    const due = ["* * * * *", ...(minute % 5 === 0 ? ["*/5 * * * *"] : [])];
    for (const c of due) fetch(`http://127.0.0.1:${port}/__scheduled?cron=${encodeURIComponent(c)}`).catch(() => {});
  }, 60_000);

  console.log(`
[tidings] demo API key: ${apiKey}
[tidings] try:
  curl -s -X POST http://127.0.0.1:${port}/v1/events \\
    -H "authorization: Bearer ${apiKey}" -H "content-type: application/json" \\
    -d '{"type":"comment.created","recipients":[{"id":"u1","email":"ada@example.com","name":"Ada"}],"data":{"author":"Grace","task":"Ship v1","comment":"Looks good","url":"https://example.com/t/1"}}'
  curl -s http://127.0.0.1:${port}/dev/outbox
`);

  const shutdown = async () => {
    clearInterval(cron);
    wrangler.kill("SIGINT");
    for (const stop of stops.reverse()) await stop().catch(() => {});
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  wrangler.on("exit", (code) => {
    clearInterval(cron);
    Promise.all(stops.map((s) => s().catch(() => {}))).then(() => process.exit(code ?? 0));
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
