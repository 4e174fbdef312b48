import { describe, expect, it } from "vitest";
import type { CreateEventResponse } from "../../src/ingest/routes/create-event";
import type { ErasureReport } from "../../src/operators/recipients/schema";
import { call } from "../fixtures/http";
import { loadNotification, waitForStatus } from "../fixtures/notifications";
import { createOrganization, uniqueEmail } from "../fixtures/organization";
import { windowStub } from "../fixtures/preferences";
import { savedEventType } from "../fixtures/rules";

describe("erasing a recipient whose mail came from a rule", () => {
  it("takes the batched item out of the digest window of the rule's category, not the event type's", async () => {
    const org = await createOrganization();
    const digest = { delivery: "digest", digest: { kind: "window", minutes: 60, maxItems: 10 } };
    expect((await call("PUT", "/v1/preference-defaults", { key: org.apiKey, body: { categories: { alerts: digest } } })).status).toBe(200);
    await savedEventType(org.apiKey, "task.updated", { category: "tasks", template: "comment", rules: [{ key: "alert", template: "comment", category: "alerts" }] });
    const person = { id: `user-${crypto.randomUUID()}`, email: uniqueEmail("rule-erase") };
    const posted = await call<CreateEventResponse>("POST", "/v1/events", { key: org.apiKey, body: { type: "task.updated", recipients: [person], data: { task: "T" } } });
    const id = posted.body.notifications[0]?.id ?? "";
    const batched = await waitForStatus(id, ["batched"]);
    expect((await windowStub(org.organizationId, batched.recipientId, "alerts").state()).items).toHaveLength(1);

    const erased = await call<ErasureReport>("DELETE", `/v1/recipients/${person.id}`, { key: org.apiKey });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expect(erased.body.erased).toMatchObject({ notificationsCancelled: 1, digestItemsRemoved: 1 });
    expect(await windowStub(org.organizationId, batched.recipientId, "alerts").state()).toMatchObject({ window: null, items: [] });
    expect(await loadNotification(id)).toMatchObject({ status: "skipped", decisionRule: "recipient_erased" });
  });
});
