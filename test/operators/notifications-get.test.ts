import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../src/platform/errors";
import type { GetNotificationResponse } from "../../src/operators/routes/notifications/get";
import { call } from "../fixtures/http";
import { waitForStatus, postComment } from "../fixtures/notifications";
import { createOrganization } from "../fixtures/organization";
import { digestingOrganization, organizationWithSendGrid, sentDigest, viewOf } from "../fixtures/sendgrid-organization";
import { nowSeconds, postSendGrid, sendGridEvent } from "../fixtures/webhook-signers";
import { storeSent } from "../fixtures/followup";

const isoSeconds = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

describe("GET /v1/notifications/:id", () => {
  it("shows a sent notification with its timestamps and the provider's attempt", async () => {
    const org = await createOrganization();
    const { notificationId } = await postComment(org.apiKey);
    await waitForStatus(notificationId, ["sent"]);
    const res = await call<GetNotificationResponse>("GET", `/v1/notifications/${notificationId}`, { key: await org.keyFor("viewer") });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id: notificationId, status: "sent", type: "comment.created", provider: "sendgrid", templateVersion: 1 });
    expect(res.body.sentAt).not.toBeNull();
    expect(res.body.attempts).toHaveLength(1);
    expect(res.body.attempts[0]).toMatchObject({ provider: "sendgrid", outcome: "accepted", httpStatus: 202 });
    expect(res.body.attempts[0]?.providerMessageId).toBe(res.body.providerMessageId);
    expect(res.body.events).toEqual([]);
  });

  it("lists the provider's delivery and open of a sent notification, oldest first, without the address", async () => {
    const org = await organizationWithSendGrid();
    const [sent] = await storeSent(org.organizationId, "sendgrid");
    if (!sent) throw new Error("one notification was stored");
    const t = Number(nowSeconds(-600));
    // Posted newest first: the order shown is when the provider says each happened.
    const hook = await postSendGrid(org.path, org.account, [sendGridEvent("open", sent, { timestamp: t + 60 }), sendGridEvent("delivered", sent, { timestamp: t })]);
    expect(hook.status, JSON.stringify(hook.body)).toBe(200);

    const res = await call<GetNotificationResponse>("GET", `/v1/notifications/${sent.notificationId}`, { key: await org.keyFor("viewer") });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe("delivered");
    expect(res.body.events).toEqual([
      { type: "delivered", provider: "sendgrid", at: isoSeconds(t), bounceKind: null, detail: { recipientHash: expect.any(String) } },
      { type: "opened", provider: "sendgrid", at: isoSeconds(t + 60), bounceKind: null, detail: { recipientHash: expect.any(String) } },
    ]);
    expect(JSON.stringify(res.body)).not.toContain(sent.email);
  });

  it("shows a bounce's kind and its diagnostic with the address scrubbed", async () => {
    const org = await organizationWithSendGrid();
    const [sent] = await storeSent(org.organizationId, "sendgrid");
    if (!sent) throw new Error("one notification was stored");
    await postSendGrid(org.path, org.account, [sendGridEvent("bounce", sent, { type: "bounce", reason: `550 5.1.1 <${sent.email}>: no such user` })]);
    const view = await viewOf(org.apiKey, sent.notificationId);
    expect(view.events).toEqual([
      {
        type: "bounced",
        provider: "sendgrid",
        at: expect.any(String),
        bounceKind: "hard",
        detail: { recipientHash: expect.any(String), diagnostic: "550 5.1.1 <<address>>: no such user" },
      },
    ]);
  });

  it("lists a batched notification's digest events under digest.events, and none of its own", async () => {
    const { org, account, path } = await digestingOrganization();
    const { email, items, digest } = await sentDigest(org.apiKey);
    const about = { messageId: digest.providerMessageId, notificationId: digest.id, email };
    const t = Number(nowSeconds(-600));
    await postSendGrid(path, account, [sendGridEvent("open", about, { timestamp: t + 30 }), sendGridEvent("delivered", about, { timestamp: t })]);
    for (const id of items) {
      const view = await viewOf(org.apiKey, id);
      expect(view).toMatchObject({ status: "batched", events: [], digest: { id: digest.id, status: "delivered" } });
      expect(view.digest?.events).toEqual([
        { type: "delivered", provider: "sendgrid", at: isoSeconds(t), bounceKind: null, detail: { recipientHash: expect.any(String), digestId: digest.id } },
        { type: "opened", provider: "sendgrid", at: isoSeconds(t + 30), bounceKind: null, detail: { recipientHash: expect.any(String), digestId: digest.id } },
      ]);
    }
  });

  it("answers 404 for another organisation's notification", async () => {
    const owner = await createOrganization("Owner");
    const other = await createOrganization("Other");
    const { notificationId } = await postComment(owner.apiKey);
    const res = await call<ErrorBody>("GET", `/v1/notifications/${notificationId}`, { key: other.apiKey });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("NOT_FOUND");
  });

  it("answers 404 for an id that does not exist and 400 for one that is not a uuid", async () => {
    const org = await createOrganization();
    const missing = await call<ErrorBody>("GET", `/v1/notifications/${crypto.randomUUID()}`, { key: org.apiKey });
    expect(missing.status).toBe(404);
    const malformed = await call<ErrorBody>("GET", "/v1/notifications/not-a-uuid", { key: org.apiKey });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.fields?.[0]?.path).toBe("id");
  });

  it("answers 401 without a key", async () => {
    const res = await call<ErrorBody>("GET", `/v1/notifications/${crypto.randomUUID()}`);
    expect(res.status).toBe(401);
  });
});
