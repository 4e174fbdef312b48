import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import type { ErrorBody } from "../../src/platform/errors";
import { withDb } from "../fixtures/database";
import { call } from "../fixtures/http";
import { createOrganization, uniqueEmail } from "../fixtures/organization";

/** A raw JSON text as the body, so escapes like \\ud800 reach the Worker as written. */
const post = (key: string, rawBody: string, path = "/v1/events") => call<ErrorBody>("POST", path, { key, rawBody, headers: { "content-type": "application/json" } });

const eventsOf = async (organizationId: string) =>
  withDb(async (db) => (await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM events WHERE organization_id = ${organizationId}::uuid`)).rows[0]?.n);

const eventJson = (data: string, name = "Ada") => `{"type":"comment.created","recipients":[{"id":"u1","email":"${uniqueEmail()}","name":${JSON.stringify(name)}}],"data":${data}}`;

describe("input PostgreSQL or the stack cannot hold gets a 400 naming where it is, and stores nothing", () => {
  it.each([
    ["data nested 5,000 levels deep", `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`, /^data(\.a)+$/, /nested deeper than 32 levels/],
    ["a NUL character inside a string", '{"note":"before\\u0000after"}', /^data\.note$/, /NUL/],
    ["a lone surrogate", '{"note":"\\ud800"}', /^data\.note$/, /surrogate/],
    ["a lone low surrogate in a key", '{"\\udc00key":1}', /^data\./, /surrogate/],
  ])("refuses %s in the event data", async (_, data, path, message) => {
    const org = await createOrganization();
    const res = await post(org.apiKey, eventJson(data));
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe("BAD_REQUEST");
    expect(res.body.error.fields?.[0]?.path).toMatch(path);
    expect(res.body.error.fields?.[0]?.message).toMatch(message);
    expect(await eventsOf(org.organizationId)).toBe(0);
  });

  it("refuses a NUL in a recipient's name, naming the recipient", async () => {
    const org = await createOrganization();
    const res = await post(org.apiKey, eventJson("{}", "Ada\u0000"));
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.fields?.[0]?.path).toBe("recipients.0.name");
    expect(await eventsOf(org.organizationId)).toBe(0);
  });

  it("refuses a body over 512 KiB on the template routes too, with 413", async () => {
    const org = await createOrganization();
    const huge = JSON.stringify({ key: "big", name: "big", subject: "s", html: "x", sampleData: { blob: "x".repeat(600 * 1024) } });
    const res = await post(org.apiKey, huge, "/v1/templates");
    expect(res.status, JSON.stringify(res.body)).toBe(413);
    expect(res.body.error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("still accepts ordinary text with emoji and accents, surrogate pairs included", async () => {
    const org = await createOrganization();
    const res = await post(org.apiKey, eventJson('{"note":"Grüße 👋 \\ud83d\\udc4b"}'));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
  });

  it.each([
    ["a recipient id", "/v1/recipients/%00/preferences", "path"],
    ["a recipient id's history", "/v1/recipients/u%001/notifications", "path"],
    ["a path segment that is not UTF-8 before its NUL", "/v1/recipients/%ED%A0%80x%00/preferences", "path"],
    ["a query parameter", "/v1/audit-log?action=%00", "query.action"],
  ])("answers a NUL in %s with a 400 naming where it is, not a 500 from the database", async (_, path, field) => {
    const org = await createOrganization();
    const res = await call<ErrorBody>("GET", path, { key: org.apiKey });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe("BAD_REQUEST");
    expect(res.body.error.fields?.[0]?.path).toBe(field);
  });
});
