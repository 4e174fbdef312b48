import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { sql } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import worker from "../../src/index";
import { withDb } from "../fixtures/database";
import { createOrganization } from "../fixtures/organization";
import { envelopesMentioning } from "../fixtures/sentry-fake";

/**
 * The database as PostgreSQL itself makes it refuse a write: the Worker signs in as a role that
 * may only read. The look-ups before the write succeed (the key, the event type), and the event's
 * insert is refused with its parameters (the address, the name, the event's data) bound to it, as
 * any failed write would be. (A role, not `options=-c default_transaction_read_only=on`: Neon's
 * SQL-over-HTTP endpoint takes user, password and database from the connection string, nothing else.)
 */
const READ_ONLY_ROLE = "tidings_read_only";
const readOnlyDatabase = () => {
  const url = new URL(String(env.DATABASE_URL));
  url.username = READ_ONLY_ROLE;
  url.password = "";
  return { ...env, DATABASE_URL: url.toString(), SENTRY_DSN: inject("sentryDsn") };
};
beforeAll(async () => {
  await withDb(async (db) => {
    // Roles belong to the server, not to the scratch database: made once, granted here.
    await db.execute(sql.raw(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${READ_ONLY_ROLE}') THEN CREATE ROLE ${READ_ONLY_ROLE} LOGIN; END IF; END $$`));
    await db.execute(sql.raw(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${READ_ONLY_ROLE}`));
  });
});

/** What the Worker printed, line by line: console calls run in this isolate, so they are read here. */
const printed: string[] = [];
const originals = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
beforeEach(() => {
  printed.length = 0;
  for (const level of Object.keys(originals) as (keyof typeof originals)[]) {
    console[level] = (...args: unknown[]) => {
      printed.push(args.map((a) => (typeof a === "string" ? a : a instanceof Error ? `${a.stack}` : JSON.stringify(a))).join(" "));
    };
  }
});
afterEach(() => Object.assign(console, originals));

describe("a database error during ingest", () => {
  it("logs and reports what failed without the address, the name or the event's data", async () => {
    const org = await createOrganization();
    const marker = crypto.randomUUID();
    const tag = marker.slice(0, 8);
    const address = `hedy.${tag}@lamarr-private.example`;
    const name = `Hedwig Kiesler ${tag}`;
    const secretData = `frequency-hopping-${tag}`;
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request("https://tidings.test/v1/events", {
        method: "POST",
        headers: { authorization: `Bearer ${org.apiKey}`, "content-type": "application/json", "cf-ray": marker },
        body: JSON.stringify({ type: "comment.created", recipients: [{ id: `u-${tag}`, email: address, name }], data: { comment: secretData } }),
      }) as Parameters<typeof worker.fetch>[0],
      readOnlyDatabase(),
      ctx,
    );
    const text = await res.text();
    await waitOnExecutionContext(ctx);
    expect(res.status, text).toBe(500);

    const logged = printed.join("\n");
    const reported = (await envelopesMentioning(marker)).map((e) => e.raw).join("\n");
    for (const secret of [address, `hedy.${tag}`, encodeURIComponent(address), name, "Kiesler", secretData]) {
      expect(logged, `${secret} was logged`).not.toContain(secret);
      expect(reported, `${secret} reached Sentry`).not.toContain(secret);
    }

    // What failed stays readable: the statement, the server's refusal and its SQLSTATE.
    const unhandled = printed.find((line) => line.includes('"msg":"unhandled"'));
    expect(unhandled, logged).toBeDefined();
    expect(unhandled).toContain("INSERT INTO events");
    expect(unhandled).toContain("permission denied for table");
    expect(unhandled).toContain("42501");
    expect(reported, "no event reached the Sentry fake").toContain("42501");
  });
});
