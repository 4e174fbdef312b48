import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/platform/db/client";
import { events, notifications, recipients } from "../../src/platform/db/schema";
import type { CreateEventRequest, CreateEventResponse } from "../../src/ingest/routes/create-event";
import type { ErrorBody } from "../../src/platform/errors";
import { call } from "../fixtures/http";
import { createOrganization, testEnv, uniqueEmail } from "../fixtures/organization";
import { openedRecipient } from "../fixtures/sealed";

const commentEvent = (email = uniqueEmail()): CreateEventRequest => ({
  type: "comment.created",
  recipients: [{ id: `user-${crypto.randomUUID()}`, email, name: "Ada Lovelace", timezone: "Europe/London" }],
  data: { author: "Grace", task: "Ship v1", comment: "Looks good", url: "https://app.test/t/1" },
});

async function countRows(organizationId: string) {
  const { db, close } = openDatabase(testEnv());
  try {
    const [row] = await db
      .execute<{ events: number; notifications: number; recipients: number }>(sql`
      SELECT (SELECT count(*)::int FROM events WHERE organization_id = ${organizationId}) AS events,
             (SELECT count(*)::int FROM notifications WHERE organization_id = ${organizationId}) AS notifications,
             (SELECT count(*)::int FROM recipients WHERE organization_id = ${organizationId}) AS recipients`)
      .then((r) => r.rows);
    return row;
  } finally {
    await close();
  }
}

describe("POST /v1/events", () => {
  it("accepts an event, stores one notification per recipient and answers 202 with their ids", async () => {
    const org = await createOrganization();
    const body = commentEvent();
    body.recipients.push({ id: "second", email: uniqueEmail() });
    const res = await call<CreateEventResponse>("POST", "/v1/events", { key: org.apiKey, body });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.duplicate).toBe(false);
    expect(res.body.notifications.map((n) => n.recipientId)).toEqual([body.recipients[0]?.id, "second"]);
    expect(res.body.notifications.every((n) => n.status === "queued")).toBe(true);
    expect(await countRows(org.organizationId)).toEqual({ events: 1, notifications: 2, recipients: 2 });
  });

  it("answers a repeated idempotency key with the first result and creates nothing", async () => {
    const org = await createOrganization();
    const body = { ...commentEvent(), idempotencyKey: "evt-1" };
    const first = await call<CreateEventResponse>("POST", "/v1/events", { key: org.apiKey, body });
    const again = await call<CreateEventResponse>("POST", "/v1/events", { key: org.apiKey, body });
    expect(again.status, JSON.stringify(again.body)).toBe(202);
    expect(again.body.duplicate).toBe(true);
    expect(again.body.eventId).toBe(first.body.eventId);
    expect(again.body.notifications.map((n) => n.id)).toEqual(first.body.notifications.map((n) => n.id));
    expect(await countRows(org.organizationId)).toEqual({ events: 1, notifications: 1, recipients: 1 });
  });

  it("takes the idempotency key from the Idempotency-Key header too", async () => {
    const org = await createOrganization();
    const body = commentEvent();
    const headers = { "idempotency-key": "header-key" };
    const first = await call<CreateEventResponse>("POST", "/v1/events", { key: org.apiKey, body, headers });
    const again = await call<CreateEventResponse>("POST", "/v1/events", { key: org.apiKey, body, headers });
    expect(again.body.duplicate).toBe(true);
    expect(again.body.eventId).toBe(first.body.eventId);
  });

  it("treats concurrent posts with one idempotency key as one event", async () => {
    const org = await createOrganization();
    const body = { ...commentEvent(), idempotencyKey: "race" };
    const answers = await Promise.all(Array.from({ length: 5 }, () => call<CreateEventResponse>("POST", "/v1/events", { key: org.apiKey, body })));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    expect(new Set(answers.map((a) => a.body.eventId)).size).toBe(1);
    expect(answers.filter((a) => !a.body.duplicate)).toHaveLength(1);
    expect(await countRows(org.organizationId)).toMatchObject({ events: 1, notifications: 1 });
  });

  it("refuses different content under a used idempotency key with 409 and changes nothing", async () => {
    const org = await createOrganization();
    const body = { ...commentEvent(), idempotencyKey: "evt-2" };
    await call("POST", "/v1/events", { key: org.apiKey, body });
    const res = await call<ErrorBody>("POST", "/v1/events", { key: org.apiKey, body: { ...body, data: { author: "someone else" } } });
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body.error.code).toBe("CONFLICT");
    expect(res.body.error.fields?.[0]?.path).toBe("idempotencyKey");
    expect(await countRows(org.organizationId)).toEqual({ events: 1, notifications: 1, recipients: 1 });
  });

  it("refuses an event type the organisation does not have with 422", async () => {
    const org = await createOrganization();
    const res = await call<ErrorBody>("POST", "/v1/events", { key: org.apiKey, body: { ...commentEvent(), type: "nope.never" } });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.error).toMatchObject({ code: "UNPROCESSABLE_ENTITY", fields: [{ path: "type" }] });
    expect(await countRows(org.organizationId)).toEqual({ events: 0, notifications: 0, recipients: 0 });
  });

  it("updates a known recipient's address on the next event", async () => {
    const org = await createOrganization();
    const first = commentEvent();
    const recipientId = first.recipients[0]?.id ?? "";
    await call("POST", "/v1/events", { key: org.apiKey, body: first });
    const newEmail = uniqueEmail("moved");
    await call("POST", "/v1/events", { key: org.apiKey, body: { ...first, recipients: [{ id: recipientId, email: newEmail }] } });
    const { db, close } = openDatabase(testEnv());
    const rows = await db.select().from(recipients).where(eq(recipients.organizationId, org.organizationId));
    await close();
    expect(rows).toHaveLength(1);
    expect(await openedRecipient(rows[0] ?? expect.fail("no recipient"))).toMatchObject({ email: newEmail, name: "Ada Lovelace", timezone: "Europe/London" });
  });

  it("uses the priority queue path for high priority and records the priority", async () => {
    const org = await createOrganization();
    const res = await call<CreateEventResponse>("POST", "/v1/events", { key: org.apiKey, body: { ...commentEvent(), type: "security.alert" } });
    expect(res.status).toBe(202);
    const { db, close } = openDatabase(testEnv());
    const [event] = await db.select().from(events).where(eq(events.id, res.body.eventId));
    const rows = await db.select().from(notifications).where(eq(notifications.eventId, res.body.eventId));
    await close();
    expect(event?.priority).toBe("high");
    expect(rows.map((r) => r.priority)).toEqual(["high"]);
  });
});

const tooMany = Array.from({ length: 1001 }, (_, i) => ({ id: `r${i}`, email: `r${i}@example.test` }));

describe.each([
  ["a missing type", { recipients: [{ id: "a", email: "a@example.test" }] }, "type"],
  ["no recipients", { type: "comment.created", recipients: [] }, "recipients"],
  ["more than 1000 recipients", { type: "comment.created", recipients: tooMany }, "recipients"],
  ["a malformed address", { type: "comment.created", recipients: [{ id: "a", email: "not-an-address" }] }, "recipients.0.email"],
  ["an unknown time zone", { type: "comment.created", recipients: [{ id: "a", email: "a@example.test", timezone: "Mars/Olympus" }] }, "recipients.0.timezone"],
  [
    "a recipient id twice",
    {
      type: "comment.created",
      recipients: [
        { id: "a", email: "a@example.test" },
        { id: "a", email: "b@example.test" },
      ],
    },
    "recipients.1.id",
  ],
  ["an unknown priority", { type: "comment.created", recipients: [{ id: "a", email: "a@example.test" }], priority: "urgent" }, "priority"],
  ["data that is not an object", { type: "comment.created", recipients: [{ id: "a", email: "a@example.test" }], data: [1, 2] }, "data"],
])("POST /v1/events with %s", (_label, body, failingPath) => {
  it(`answers 400 naming ${failingPath} and stores nothing`, async () => {
    const org = await createOrganization();
    const res = await call<ErrorBody>("POST", "/v1/events", { key: org.apiKey, body });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe("BAD_REQUEST");
    expect(res.body.error.fields?.map((f) => f.path)).toContain(failingPath);
    expect(await countRows(org.organizationId)).toEqual({ events: 0, notifications: 0, recipients: 0 });
  });
});

describe("POST /v1/events refuses", () => {
  it("a body that is not JSON with 400", async () => {
    const org = await createOrganization();
    const res = await call<ErrorBody>("POST", "/v1/events", { key: org.apiKey, rawBody: "{not json" });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("BAD_REQUEST");
  });

  it("a body over the documented size with 413", async () => {
    const org = await createOrganization();
    const res = await call<ErrorBody>("POST", "/v1/events", { key: org.apiKey, body: { ...commentEvent(), data: { blob: "x".repeat(600 * 1024) } } });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(await countRows(org.organizationId)).toEqual({ events: 0, notifications: 0, recipients: 0 });
  });

  it("a request without an API key with 401", async () => {
    const res = await call<ErrorBody>("POST", "/v1/events", { body: commentEvent() });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("UNAUTHORIZED");
  });

  it("an unknown API key with 401", async () => {
    const res = await call<ErrorBody>("POST", "/v1/events", { key: "tid_00000000_forged", body: commentEvent() });
    expect(res.status).toBe(401);
  });

  it("a viewer key with 403, since viewers cannot ingest", async () => {
    const org = await createOrganization();
    const res = await call<ErrorBody>("POST", "/v1/events", { key: await org.keyFor("viewer"), body: commentEvent() });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("FORBIDDEN");
    expect(await countRows(org.organizationId)).toEqual({ events: 0, notifications: 0, recipients: 0 });
  });
});
