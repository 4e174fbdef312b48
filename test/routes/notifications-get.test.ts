import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../src/errors";
import type { GetNotificationResponse } from "../../src/routes/notifications/get";
import { call } from "../fixtures/http";
import { waitForStatus, postComment } from "../fixtures/notifications";
import { createOrganization } from "../fixtures/organization";

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
