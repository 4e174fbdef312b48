import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import worker from "../../src/index";
import { createOrganization } from "../fixtures/organization";
import { envelopesMentioning } from "../fixtures/sentry-fake";

/**
 * The database as PostgreSQL itself makes it refuse a write: every session read-only. The look-ups
 * before the write succeed (the key, the event type), and the event's insert is refused with its
 * parameters (the address, the name, the event's data) bound to it, as any failed write would be.
 */
const readOnlyDatabase = () => {
  const url = new URL(String(env.DATABASE_URL));
  url.searchParams.set("options", "-c default_transaction_read_only=on");
  return { ...env, DATABASE_URL: url.toString(), SENTRY_DSN: inject("sentryDsn") };
};

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
    expect(unhandled).toContain("read-only transaction");
    expect(unhandled).toContain("25006");
    expect(reported, "no event reached the Sentry fake").toContain("25006");
  });
});
