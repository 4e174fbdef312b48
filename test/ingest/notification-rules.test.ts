import { sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import type { CreateEventRequest, CreateEventResponse } from "../../src/ingest/routes/create-event";
import type { GetNotificationResponse } from "../../src/operators/routes/notifications/get";
import { withDb } from "../fixtures/database";
import { call } from "../fixtures/http";
import { waitForStatus } from "../fixtures/notifications";
import { createOrganization, type TestOrganization, uniqueEmail } from "../fixtures/organization";
import { publishTemplate, savedEventType, sendNow, storeEvent } from "../fixtures/rules";
import { receivedBy } from "../fixtures/sendgrid-fake";

/** Three rules, each with its own template, picking recipients by role (and the owner by amount too). */
async function taskRules(org: TestOrganization) {
  await publishTemplate(org.organizationId, "assigned", "Assigned: {{ data.task }}");
  await publishTemplate(org.organizationId, "watching", "Watching: {{ data.task }}");
  await publishTemplate(org.organizationId, "large-amount", "Owner alert: {{ data.amount }} on {{ data.task }}");
  await savedEventType(org.apiKey, "task.updated", {
    category: "tasks",
    template: "comment",
    rules: [
      { key: "assignee-email", template: "assigned", condition: 'recipient.role == "assignee"' },
      { key: "watcher-email", template: "watching", condition: 'recipient.role == "watcher"' },
      { key: "owner-alert", template: "large-amount", category: "alerts", priority: "high", condition: 'recipient.role == "owner" and data.amount > 1000' },
    ],
  });
}

const person = (id: string, role: string | undefined, attributes?: Record<string, string>) => ({
  id,
  email: uniqueEmail(id),
  ...(role ? { role } : {}),
  ...(attributes ? { attributes } : {}),
});

const fiveRecipients = () => [person("ann", "assignee"), person("wes", "watcher"), person("wyn", "watcher", { team: "ops" }), person("oli", "owner"), person("gus", "guest")];

async function countWrites(organizationId: string) {
  return withDb(async (db) => {
    const rows = await db.execute<{ events: number; notifications: number }>(sql`
      SELECT (SELECT count(*)::int FROM events WHERE organization_id = ${organizationId}::uuid) AS events,
             (SELECT count(*)::int FROM notifications WHERE organization_id = ${organizationId}::uuid) AS notifications`);
    return rows.rows[0];
  });
}

describe("an event type with rules", () => {
  it("creates one notification per matching rule and recipient, each sent with its rule's template and with its own history", async () => {
    const org = await createOrganization();
    await taskRules(org);
    const recipients = fiveRecipients();
    const body: CreateEventRequest = { type: "task.updated", recipients, data: { task: "Ship v2", amount: 1500 } };
    const res = await call<CreateEventResponse>("POST", "/v1/events", { key: org.apiKey, body });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.notifications.map((n) => [n.recipientId, n.rule])).toEqual([
      ["ann", "assignee-email"],
      ["wes", "watcher-email"],
      ["wyn", "watcher-email"],
      ["oli", "owner-alert"],
    ]);

    const subjects: Record<string, string> = {
      ann: "Assigned: Ship v2",
      wes: "Watching: Ship v2",
      wyn: "Watching: Ship v2",
      oli: "Owner alert: 1500 on Ship v2",
    };
    for (const n of res.body.notifications) {
      await waitForStatus(n.id, ["sent"]);
      const email = recipients.find((r) => r.id === n.recipientId)?.email ?? "";
      expect((await receivedBy(email)).map((m) => m.body.subject)).toEqual([subjects[n.recipientId]]);
      const view = await call<GetNotificationResponse>("GET", `/v1/notifications/${n.id}`, { key: org.apiKey });
      expect(view.body).toMatchObject({ id: n.id, type: "task.updated", rule: n.rule, recipientId: n.recipientId, status: "sent" });
      expect(view.body.attempts).toHaveLength(1);
      expect(view.body.priority).toBe(n.rule === "owner-alert" ? "high" : "normal");
    }
    expect(await receivedBy(recipients[4]?.email ?? "")).toEqual([]);
  });

  it("answers a repeated idempotency key with the same notifications and rule keys, and writes nothing more", async () => {
    const org = await createOrganization();
    await taskRules(org);
    const body: CreateEventRequest = { type: "task.updated", recipients: fiveRecipients(), data: { task: "Ship v2", amount: 5000 }, idempotencyKey: "task-7" };
    const first = await call<CreateEventResponse>("POST", "/v1/events", { key: org.apiKey, body });
    const again = await call<CreateEventResponse>("POST", "/v1/events", { key: org.apiKey, body });
    expect(again.status, JSON.stringify(again.body)).toBe(202);
    expect(again.body.duplicate).toBe(true);
    expect(again.body.eventId).toBe(first.body.eventId);
    const strip = (r: CreateEventResponse) => r.notifications.map(({ id, recipientId, rule }) => ({ id, recipientId, rule }));
    expect(strip(again.body)).toEqual(strip(first.body));
    expect(await countWrites(org.organizationId)).toEqual({ events: 1, notifications: 4 });
  });

  it("reads recipients' attributes and liquid's truthiness in conditions", async () => {
    const org = await createOrganization();
    await savedEventType(org.apiKey, "task.updated", {
      category: "tasks",
      template: "comment",
      rules: [
        { key: "ops", template: "comment", condition: 'recipient.team contains "ops"' },
        { key: "flagged", template: "comment", condition: "data.flagged" },
      ],
    });
    const body: CreateEventRequest = { type: "task.updated", recipients: fiveRecipients(), data: { flagged: 0 } };
    const res = await call<CreateEventResponse>("POST", "/v1/events", { key: org.apiKey, body });
    // 0 is truthy in liquid: every recipient gets `flagged`; only wyn is on the ops team.
    expect(res.body.notifications.map((n) => `${n.recipientId}:${n.rule}`)).toEqual(["ann:flagged", "wes:flagged", "wyn:ops", "wyn:flagged", "oli:flagged", "gus:flagged"]);
  });

  it("keeps an event type without rules working as one rule: one notification per recipient, rule null", async () => {
    const org = await createOrganization();
    const recipients = [person("one", "owner"), person("two", undefined)];
    const res = await call<CreateEventResponse>("POST", "/v1/events", {
      key: org.apiKey,
      body: { type: "comment.created", recipients, data: { author: "Grace", task: "Ship v1", comment: "Fine", url: "https://app.test/t/1" } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.notifications.map((n) => [n.recipientId, n.rule])).toEqual([
      ["one", null],
      ["two", null],
    ]);
    await waitForStatus(res.body.notifications[0]?.id ?? "", ["sent"]);
    expect((await receivedBy(recipients[0]?.email ?? "")).map((m) => m.body.subject)).toEqual(["Grace commented on Ship v1"]);
    const view = await call<GetNotificationResponse>("GET", `/v1/notifications/${res.body.notifications[0]?.id}`, { key: org.apiKey });
    expect(view.body.rule).toBeNull();
  });

  it("still renders a notification written under a rule archived before it was sent with that rule's template", async () => {
    const org = await createOrganization();
    await taskRules(org);
    const recipients = [person("oli", "owner")];
    const stored = await storeEvent(org.organizationId, { type: "task.updated", recipients, data: { task: "Ship v3", amount: 2000 } });
    const [notification] = stored.notifications;
    expect(notification?.rule).toBe("owner-alert");

    const replaced = await savedEventType(org.apiKey, "task.updated", { category: "tasks", template: "comment", rules: [{ key: "assignee-email", template: "assigned" }] });
    expect(replaced.rules.map((r) => r.key)).toEqual(["assignee-email"]);

    await sendNow(notification?.id ?? "");
    await waitForStatus(notification?.id ?? "", ["sent"]);
    expect((await receivedBy(recipients[0]?.email ?? "")).map((m) => m.body.subject)).toEqual(["Owner alert: 2000 on Ship v3"]);
    const view = await call<GetNotificationResponse>("GET", `/v1/notifications/${notification?.id}`, { key: org.apiKey });
    expect(view.body.rule).toBe("owner-alert");
  });

  it("lets recipients choose categories that only rules use, and calls one critical only when every rule using it is", async () => {
    const org = await createOrganization();
    await taskRules(org);
    await savedEventType(org.apiKey, "login.failed", {
      category: "security",
      template: "comment",
      critical: true,
      rules: [{ key: "lockout", template: "comment", category: "lockouts" }],
    });
    await call("POST", "/v1/events", { key: org.apiKey, body: { type: "task.updated", recipients: [person("oli", "owner")], data: { amount: 1 } } });
    const prefs = await call<{ categories: { category: string; critical: boolean }[] }>("GET", "/v1/recipients/oli/preferences", { key: org.apiKey });
    expect(prefs.status, JSON.stringify(prefs.body)).toBe(200);
    const critical = Object.fromEntries(prefs.body.categories.map((c) => [c.category, c.critical]));
    expect(critical).toMatchObject({ alerts: false, tasks: false, lockouts: true, security: true });
  });
});

describe("a digest of rules' notifications", () => {
  it("titles each item with its rule's template subject", async () => {
    const org = await createOrganization();
    await publishTemplate(org.organizationId, "large-amount", "Owner alert: {{ data.amount }} on {{ data.task }}");
    const digest = { delivery: "digest", digest: { kind: "window", minutes: 60, maxItems: 2 } };
    expect((await call("PUT", "/v1/preference-defaults", { key: org.apiKey, body: { categories: { alerts: digest } } })).status).toBe(200);
    await savedEventType(org.apiKey, "task.updated", { category: "tasks", template: "comment", rules: [{ key: "owner-alert", template: "large-amount", category: "alerts" }] });
    const owner = person("oli", "owner");
    for (const amount of [1200, 3400]) {
      const res = await call<CreateEventResponse>("POST", "/v1/events", {
        key: org.apiKey,
        body: { type: "task.updated", recipients: [owner], data: { task: "Ship v4", amount } },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
    }
    const [mail] = await vi.waitFor(
      async () => {
        const received = await receivedBy(owner.email);
        if (received.length === 0) throw new Error("no digest yet");
        return received;
      },
      { timeout: 20_000, interval: 200 },
    );
    const html = mail?.body.content.find((c) => c.type === "text/html")?.value ?? "";
    expect(html).toContain("Owner alert: 1200 on Ship v4");
    expect(html).toContain("Owner alert: 3400 on Ship v4");
  });
});
