import { SELF } from "cloudflare:test";
import { describe, expect, expectTypeOf, it } from "vitest";
import { type components, createTidingsClient } from "../../client";
import { waitForStatus } from "../fixtures/notifications";
import { createOrganization, uniqueEmail } from "../fixtures/organization";

const BASE_URL = "https://tidings.test";

describe("the typed client (client/)", () => {
  it("posts an event and reads its notification back through the Worker, typed from the OpenAPI document", async () => {
    const org = await createOrganization();
    const tidings = createTidingsClient({ baseUrl: BASE_URL, apiKey: org.apiKey, fetch: (req) => SELF.fetch(req) });
    const recipientId = `client-${crypto.randomUUID()}`;

    const posted = await tidings.POST("/v1/events", {
      body: { type: "comment.created", recipients: [{ id: recipientId, email: uniqueEmail("client"), name: "Ada" }], data: { author: "Grace", task: "Ship v1" } },
    });
    expect(posted.response.status, JSON.stringify(posted.error)).toBe(202);
    expectTypeOf(posted.data).toEqualTypeOf<components["schemas"]["AcceptedEvent"] | undefined>();
    const notificationId = posted.data?.notifications[0]?.id ?? "";
    expect(posted.data).toMatchObject({ duplicate: false, notifications: [{ id: notificationId, recipientId }] });

    await waitForStatus(notificationId, ["sent"]);
    const read = await tidings.GET("/v1/notifications/{id}", { params: { path: { id: notificationId } } });
    expect(read.response.status, JSON.stringify(read.error)).toBe(200);
    expect(read.data).toMatchObject({ id: notificationId, recipientId, type: "comment.created", status: "sent", provider: "sendgrid" });
    expect(read.data?.attempts.map((a) => a.outcome)).toEqual(["accepted"]);
  });

  it("hands a refusal back as the typed error envelope, with the key's role checked by the Worker", async () => {
    const org = await createOrganization();
    const viewer = createTidingsClient({ baseUrl: BASE_URL, apiKey: await org.keyFor("viewer"), fetch: (req) => SELF.fetch(req) });
    const refused = await viewer.POST("/v1/events", { body: { type: "comment.created", recipients: [{ id: "u1", email: uniqueEmail("client") }] } });
    expect(refused.response.status).toBe(403);
    expect(refused.data).toBeUndefined();
    expect(refused.error?.error.code).toBe("FORBIDDEN");
  });

  it("refuses at compile time a route the API does not have, or a body without its required fields", () => {
    const tidings = createTidingsClient({ baseUrl: BASE_URL, apiKey: "tid_unused", fetch: (req) => SELF.fetch(req) });
    // Checked by `npm run typecheck`, never sent.
    const wrong = () => [
      // @ts-expect-error: no such route
      tidings.GET("/v1/no-such-route"),
      // @ts-expect-error: an event needs its type
      tidings.POST("/v1/events", { body: { recipients: [{ id: "u1", email: "ada@example.com" }] } }),
    ];
    expect(typeof wrong).toBe("function");
  });
});
