import { randomUUID } from "node:crypto";
import os from "node:os";
import pg from "pg";
import { Failure, UsageError } from "./errors.mjs";

/**
 * Runs `fn` on one connection to DATABASE_URL, closed afterwards. The CLI talks to the database
 * directly, not to a running Worker: it is how the first organisation and its first admin key
 * come to exist, and how an operator gets back in when every admin key is lost.
 * @template T
 * @param {(client: pg.Client) => Promise<T>} fn
 * @param {{ databaseUrl?: string }} [options]
 * @returns {Promise<T>}
 */
export async function withDatabase(fn, { databaseUrl = process.env.DATABASE_URL } = {}) {
  if (!databaseUrl) throw new UsageError("DATABASE_URL is not set; point it at the Tidings database, e.g. DATABASE_URL=postgres://user@host:5432/tidings");
  // A dead host must fail in seconds, not hang a script until TCP gives up.
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => {});
    throw new Failure(`cannot reach the database at ${hostOf(databaseUrl)}: ${messageOf(e)}`);
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The change and its audit rows commit together or not at all.
 * @template T
 * @param {pg.Client} client @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function inTransaction(client, fn) {
  await client.query("BEGIN");
  try {
    const result = await fn();
    await client.query("COMMIT");
    return result;
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  }
}

/**
 * Who ran the command, as the audit log names the actor: the operating-system user and host.
 * The CLI holds no API key, so `actor_type` is `cli` (src/platform/db/schema/audit-log.ts).
 */
export function cliActor() {
  let user = process.env.USER ?? "unknown";
  try {
    user = os.userInfo().username;
  } catch {
    // No passwd entry (some containers): the environment's USER will do.
  }
  return `${user}@${os.hostname()}`;
}

/**
 * One audit_log row, written like the admin API's (src/platform/audit/record.ts) but by the CLI.
 * @param {pg.Client} client
 * @param {{ organizationId: string, action: string, targetType: string, targetId: string, details: Record<string, unknown> }} entry
 */
export async function recordAudit(client, entry) {
  await client.query(
    `INSERT INTO audit_log (id, organization_id, actor_type, actor_id, action, target_type, target_id, via, details)
     VALUES ($1, $2, 'cli', $3, $4, $5, $6, 'cli', $7)`,
    [randomUUID(), entry.organizationId, cliActor(), entry.action, entry.targetType, entry.targetId, JSON.stringify(entry.details)],
  );
}

/** @param {string} url */
function hostOf(url) {
  try {
    return new URL(url).host || "(no host)";
  } catch {
    return "(an unreadable DATABASE_URL)";
  }
}

/** @param {unknown} e @returns {string} */
export function messageOf(e) {
  if (e instanceof AggregateError && e.errors.length > 0) return e.errors.map(messageOf).join("; ");
  return e instanceof Error ? e.message || e.name : String(e);
}
