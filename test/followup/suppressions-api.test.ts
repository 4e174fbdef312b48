import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { hashEmail } from "../../src/platform/crypto/email-hash";
import type { ErrorBody } from "../../src/platform/errors";
import { blocksSend, isSuppressed } from "../../src/decide/suppression-check";
import type { SuppressionList, SuppressionView } from "../../src/followup/routes/suppressions/schema";
import { call } from "../fixtures/http";
import { createOrganization, uniqueEmail } from "../fixtures/organization";
import { storeSent, testHashKey } from "../fixtures/followup";
import { withServices } from "../fixtures/services";

type Reply = SuppressionView & ErrorBody;

async function suppressAs(organizationId: string, email: string, reason: "hard_bounce" | "complaint") {
  const hash = await hashEmail(await testHashKey(), email);
  await withServices(({ db }) =>
    db.execute(
      sql`INSERT INTO suppressions (id, organization_id, email_hash, reason, suppressed_at) VALUES (${crypto.randomUUID()}::uuid, ${organizationId}::uuid, ${hash}, ${reason}, now())`,
    ),
  );
}

describe("which suppressions stop which mail", () => {
  it("lets nothing past a hard bounce or complaint, and only critical mail past the others", () => {
    for (const critical of [false, true]) {
      expect(blocksSend("hard_bounce", critical)).toBe(true);
      expect(blocksSend("complaint", critical)).toBe(true);
      expect(blocksSend("manual", critical)).toBe(!critical);
      expect(blocksSend("repeated_soft_bounce", critical)).toBe(!critical);
      expect(blocksSend(null, critical)).toBe(false);
    }
  });
});

describe("suppression API", () => {
  it("adds a manual suppression once, lists it with the address of the known recipient, and finds it by address in any case", async () => {
    const org = await createOrganization();
    const [sent] = await storeSent(org.organizationId, "sendgrid");
    if (!sent) throw new Error("no notification");
    const editor = await org.keyFor("editor");

    const added = await call<Reply>("POST", "/v1/suppressions", { key: editor, body: { email: sent.email.toUpperCase(), reason: "manual", note: "asked by phone" } });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    const again = await call<Reply>("POST", "/v1/suppressions", { key: editor, body: { email: sent.email, reason: "manual" } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ reason: "manual", detail: "asked by phone" });

    const listed = await call<SuppressionList>("GET", "/v1/suppressions", { key: await org.keyFor("viewer") });
    expect(listed.body.suppressions).toEqual([expect.objectContaining({ email: sent.email, reason: "manual", detail: "asked by phone" })]);
    const blocked = await withServices((s) => isSuppressed(s, { organizationId: org.organizationId, email: sent.email, critical: false }));
    expect(blocked).toEqual({ ok: true, value: { reason: "manual" } });
  });

  it("pages through the list with the `after` cursor and filters by address", async () => {
    const org = await createOrganization();
    const emails = [uniqueEmail(), uniqueEmail(), uniqueEmail()];
    for (const email of emails) await call("POST", "/v1/suppressions", { key: org.apiKey, body: { email, reason: "manual" } });
    const first = await call<SuppressionList>("GET", "/v1/suppressions?limit=2", { key: org.apiKey });
    const second = await call<SuppressionList>("GET", `/v1/suppressions?limit=2&after=${first.body.next}`, { key: org.apiKey });
    expect(first.body.suppressions).toHaveLength(2);
    expect(second.body).toMatchObject({ suppressions: [expect.anything()], next: null });
    const hashes = [...first.body.suppressions, ...second.body.suppressions].map((s) => s.emailHash);
    expect(new Set(hashes).size).toBe(3);
    const one = await call<SuppressionList>("GET", `/v1/suppressions?email=${encodeURIComponent(emails[1] ?? "")}`, { key: org.apiKey });
    expect(one.body.suppressions.map((s) => s.email)).toEqual([emails[1]]);
  });

  it("removes a manual entry for an editor, but a hard bounce only for an admin with force=true", async () => {
    const org = await createOrganization();
    const editor = await org.keyFor("editor");
    const manual = uniqueEmail();
    const bounced = uniqueEmail();
    await call("POST", "/v1/suppressions", { key: editor, body: { email: manual, reason: "manual" } });
    await suppressAs(org.organizationId, bounced, "hard_bounce");

    expect((await call<Reply>("DELETE", `/v1/suppressions/${encodeURIComponent(manual)}`, { key: editor })).status).toBe(200);
    expect((await call<Reply>("DELETE", `/v1/suppressions/${encodeURIComponent(manual)}`, { key: editor })).status).toBe(404);

    const refused = await call<Reply>("DELETE", `/v1/suppressions/${encodeURIComponent(bounced)}`, { key: editor });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/hard bounce/);
    expect((await call<Reply>("DELETE", `/v1/suppressions/${encodeURIComponent(bounced)}?force=true`, { key: editor })).status).toBe(403);
    expect((await call<Reply>("DELETE", `/v1/suppressions/${encodeURIComponent(bounced)}`, { key: org.apiKey })).status).toBe(409);
    const forced = await call<Reply>("DELETE", `/v1/suppressions/${encodeURIComponent(bounced)}?force=true`, { key: org.apiKey });
    expect(forced.status).toBe(200);
    expect(forced.body).toMatchObject({ reason: "hard_bounce", email: bounced });
    const audited = await withServices(({ db }) =>
      db.execute<{ action: string }>(sql`SELECT action FROM audit_log WHERE organization_id = ${org.organizationId}::uuid ORDER BY created_at`),
    );
    expect(audited.rows.map((r) => r.action)).toEqual(["suppression.add", "suppression.remove", "suppression.remove"]);
  });

  it("refuses viewers' changes, ingest keys, invalid addresses and reasons other than manual, and keeps organisations apart", async () => {
    const org = await createOrganization();
    const other = await createOrganization();
    const email = uniqueEmail();
    expect((await call("POST", "/v1/suppressions", { key: await org.keyFor("viewer"), body: { email, reason: "manual" } })).status).toBe(403);
    expect((await call("GET", "/v1/suppressions", { key: await org.keyFor("ingest") })).status).toBe(403);
    expect((await call("POST", "/v1/suppressions", { key: org.apiKey, body: { email: "not-an-address", reason: "manual" } })).status).toBe(400);
    expect((await call("POST", "/v1/suppressions", { key: org.apiKey, body: { email, reason: "hard_bounce" } })).status).toBe(400);
    await call("POST", "/v1/suppressions", { key: org.apiKey, body: { email, reason: "manual" } });
    expect((await call<SuppressionList>("GET", "/v1/suppressions", { key: other.apiKey })).body.suppressions).toEqual([]);
    expect((await call("DELETE", `/v1/suppressions/${encodeURIComponent(email)}`, { key: other.apiKey })).status).toBe(404);
  });
});
