import { describe, expect, it } from "vitest";
import type { AlertsPage } from "../../src/operators/routes/alerts/schema";
import type { AlertInput } from "../../src/platform/alerts/fire";
import { alerts } from "../../src/platform/db/schema";
import type { ErrorBody } from "../../src/platform/errors";
import { withDb } from "../fixtures/database";
import { call } from "../fixtures/http";
import { createOrganization } from "../fixtures/organization";
import { withServices } from "../fixtures/services";

const read = (key: string, query = "") => call<AlertsPage & ErrorBody>("GET", `/v1/alerts${query}`, { key });

/** Fires an alert the way the pipeline does (the sink, its dedupe key, its payload). */
async function fire(input: AlertInput) {
  await withServices(async (services) => {
    const result = await services.alerts.fire(input);
    if (!result.ok) throw new Error(result.error.message);
    if (result.value.fired) await result.value.delivery;
  });
}

/** Alert rows at chosen times (microseconds kept), for paging; returns their ids in the order given. */
async function storeAlerts(organizationId: string, rows: { kind: string; at: string }[]) {
  return withDb(async (db) => {
    const stored = await db
      .insert(alerts)
      .values(
        rows.map((r) => ({
          organizationId,
          kind: r.kind,
          dedupeKey: crypto.randomUUID(),
          payload: { subject: `${r.kind} at ${r.at}`, message: "", condition: null, details: {} },
          firedAt: new Date(r.at),
        })),
      )
      .returning({ id: alerts.id, firedAt: alerts.firedAt });
    return stored.map((s) => s.id);
  });
}

describe("GET /v1/alerts", () => {
  it("shows an organisation its own alerts, never another organisation's nor the deployment's", async () => {
    const a = await createOrganization("A");
    const b = await createOrganization("B");
    const marker = crypto.randomUUID();
    await fire({ kind: "bounce_guard", organizationId: a.organizationId, subject: `A paused ${marker}`, message: "Bounce rate 3%.", details: { sample: 100, bounced: 3 } });
    await fire({ kind: "provider_configuration", organizationId: b.organizationId, condition: `sendgrid:${marker}:account`, subject: `B refused ${marker}`, message: "Refused." });
    await fire({ kind: "dead_letter", condition: `queue-${marker}`, subject: `Everyone ${marker}`, message: "Gave up." });

    const forA = await read(await a.keyFor("viewer"));
    expect(forA.status, JSON.stringify(forA.body)).toBe(200);
    expect(forA.body.entries).toEqual([
      {
        id: expect.any(String),
        kind: "bounce_guard",
        subject: `A paused ${marker}`,
        message: "Bounce rate 3%.",
        condition: null,
        details: { sample: 100, bounced: 3 },
        firedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);
    const forB = await read(b.apiKey);
    expect(forB.body.entries.map((e) => e.subject)).toEqual([`B refused ${marker}`]);
    expect(JSON.stringify([forA.body, forB.body])).not.toContain(`Everyone ${marker}`);
  });

  it("pages newest first without repeats or gaps, across alerts fired at the same instant, and filters by kind", async () => {
    const org = await createOrganization();
    const ids = await storeAlerts(org.organizationId, [
      { kind: "circuit_open", at: "2026-05-01T10:00:00.000Z" },
      { kind: "bounce_guard", at: "2026-05-01T10:00:00.000Z" },
      { kind: "circuit_open", at: "2026-05-01T10:00:00.000Z" },
      { kind: "notification_failed", at: "2026-05-01T11:00:00.000Z" },
      { kind: "circuit_open", at: "2026-04-30T09:00:00.000Z" },
    ]);
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const res = await read(org.apiKey, `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      pages.push(res.body.entries.map((e) => e.id));
      cursor = res.body.nextCursor;
    } while (cursor && pages.length < 10);
    const tied = [ids[0], ids[1], ids[2]].sort().reverse();
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual([ids[3], ...tied, ids[4]]);

    const circuits = await read(org.apiKey, "?kind=circuit_open");
    expect(circuits.body.entries.map((e) => e.id)).toEqual([...[ids[0], ids[2]].sort().reverse(), ids[4]]);
  });

  it("refuses an ingest key, an unknown kind and a cursor it did not hand out", async () => {
    const org = await createOrganization();
    expect((await read(await org.keyFor("ingest"))).status).toBe(403);
    const badKind = await read(org.apiKey, "?kind=coffee_low");
    expect(badKind.status).toBe(400);
    expect(badKind.body.error.fields?.[0]?.path).toBe("kind");
    const badCursor = await read(org.apiKey, "?cursor=not-a-cursor");
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.fields?.[0]?.path).toBe("cursor");
  });
});
