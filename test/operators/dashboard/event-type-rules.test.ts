import { describe, expect, it } from "vitest";
import { fetchDashboard, sessionCookieFor } from "../../fixtures/dashboard";
import { createOrganization } from "../../fixtures/organization";
import { publishTemplate, savedEventType } from "../../fixtures/rules";

const rules = [
  { key: "watcher-email", template: "comment", condition: 'recipient.role == "watcher"', throttle: { limit: 3, windowSeconds: 7200, overflow: "digest" as const } },
  { key: "owner-alert", template: "large-amount", category: "alerts", priority: "high" as const, condition: 'recipient.role == "owner" and data.amount > 1000' },
];

describe("the dashboard's event types page with rules", () => {
  it("shows each type's rules read-only, conditions escaped, with their template and throttle", async () => {
    const org = await createOrganization();
    await publishTemplate(org.organizationId, "large-amount", "Large amount");
    await savedEventType(org.apiKey, "task.updated", { category: "tasks", template: "comment", rules });
    const cookie = await sessionCookieFor(org, await org.keyFor("viewer"), "viewer");
    const res = await fetchDashboard("/dashboard/event-types", { cookie });
    expect(res.status).toBe(200);
    expect(res.text).toContain("<td>watcher-email, owner-alert</td>");
    expect(res.text).toContain(
      '<td>task.updated</td><th scope="row">watcher-email</th><td>comment</td><td>tasks</td><td>normal</td><td>no</td><td><code>recipient.role == &quot;watcher&quot;</code></td><td>3 per 2 h, then digest</td>',
    );
    expect(res.text).toContain('<th scope="row">owner-alert</th><td>large-amount</td><td>alerts</td><td>high</td><td>no</td>');
    expect(res.text).toContain("<td>none</td>");
  });

  it("keeps a type's rules when an editor saves the type's own fields in the form", async () => {
    const org = await createOrganization();
    await publishTemplate(org.organizationId, "large-amount", "Large amount");
    await savedEventType(org.apiKey, "task.updated", { category: "tasks", template: "comment", rules });
    const cookie = await sessionCookieFor(org, await org.keyFor("editor"), "editor");
    const before = await fetchDashboard("/dashboard/event-types", { cookie });
    const csrf = [...before.text.matchAll(/name="csrf" value="([^"]+)"/g)].map((m) => m[1] ?? "")[1] ?? "";
    const form: [string, string][] = [
      ["csrf", csrf],
      ["key", "task.updated"],
      ["template", "comment"],
      ["category", "work"],
      ["priority", "normal"],
    ];
    const res = await fetchDashboard("/dashboard/event-types", { cookie, form });
    expect(res.status, res.text).toBe(303);
    const after = await fetchDashboard("/dashboard/event-types", { cookie });
    expect(after.text).toContain('<th scope="row">task.updated</th><td>comment</td><td>work</td>');
    expect(after.text).toContain("<td>watcher-email, owner-alert</td>");
  });
});
