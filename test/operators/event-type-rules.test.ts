import { describe, expect, it } from "vitest";
import type { EventTypeView } from "../../src/operators/event-type-store";
import type { ErrorBody } from "../../src/platform/errors";
import { auditRows } from "../fixtures/audit";
import { call } from "../fixtures/http";
import { createOrganization } from "../fixtures/organization";
import { publishTemplate, putEventType, ruleRows, savedEventType } from "../fixtures/rules";
import { withDb } from "../fixtures/database";
import { templates } from "../../src/platform/db/schema";

const base = { category: "tasks", template: "comment" };

describe("PUT /v1/event-types/{type} with rules", () => {
  it("saves rules with the event type's defaults filled in and lists them with the type", async () => {
    const org = await createOrganization();
    await publishTemplate(org.organizationId, "owner-alert", "Large amount");
    const saved = await savedEventType(org.apiKey, "task.updated", {
      ...base,
      priority: "high",
      rules: [
        { key: "everyone", template: "comment" },
        {
          key: "owner-alert",
          template: "owner-alert",
          category: "alerts",
          priority: "normal",
          critical: true,
          condition: 'recipient.role == "owner"',
          throttle: { limit: 3, windowSeconds: 3600 },
        },
      ],
    });
    expect(saved.rules).toEqual([
      { key: "everyone", template: "comment", category: "tasks", priority: "high", critical: false, condition: null, throttle: null },
      {
        key: "owner-alert",
        template: "owner-alert",
        category: "alerts",
        priority: "normal",
        critical: true,
        condition: 'recipient.role == "owner"',
        throttle: { limit: 3, windowSeconds: 3600, overflow: "skip" },
      },
    ]);
    const list = await call<{ eventTypes: EventTypeView[] }>("GET", "/v1/event-types", { key: await org.keyFor("viewer") });
    expect(list.body.eventTypes.find((e) => e.key === "task.updated")?.rules).toEqual(saved.rules);
    expect(list.body.eventTypes.find((e) => e.key === "comment.created")?.rules).toEqual([]);
  });

  it("updates kept rules in place, archives removed ones, inserts new ones and follows the list's order", async () => {
    const org = await createOrganization();
    await savedEventType(org.apiKey, "task.updated", {
      ...base,
      rules: [
        { key: "a", template: "comment" },
        { key: "b", template: "comment" },
      ],
    });
    const before = await ruleRows(org.organizationId);
    const saved = await savedEventType(org.apiKey, "task.updated", {
      ...base,
      rules: [
        { key: "c", template: "comment" },
        { key: "a", template: "comment", condition: "data.urgent" },
      ],
    });
    expect(saved.rules.map((r) => [r.key, r.condition])).toEqual([
      ["c", null],
      ["a", "data.urgent"],
    ]);
    const after = await ruleRows(org.organizationId);
    const a = after.find((r) => r.key === "a");
    expect(a?.id).toBe(before.find((r) => r.key === "a")?.id);
    expect(a).toMatchObject({ position: 1, archivedAt: null, condition: "data.urgent" });
    expect(after.find((r) => r.key === "b")?.archivedAt).toBeInstanceOf(Date);
    expect(after.find((r) => r.key === "c")).toMatchObject({ position: 0, archivedAt: null });

    const audit = (await auditRows(org.organizationId)).at(-1);
    expect(audit?.details).toMatchObject({ rules: [{ key: "c" }, { key: "a", condition: "data.urgent" }], archivedRules: ["b"] });
  });

  it("keeps the rules when `rules` is left out, and removes them all with an empty list", async () => {
    const org = await createOrganization();
    await savedEventType(org.apiKey, "task.updated", { ...base, rules: [{ key: "a", template: "comment" }] });
    expect((await savedEventType(org.apiKey, "task.updated", { ...base, category: "work" })).rules.map((r) => r.key)).toEqual(["a"]);
    expect((await savedEventType(org.apiKey, "task.updated", { ...base, rules: [] })).rules).toEqual([]);
    expect((await ruleRows(org.organizationId)).map((r) => r.archivedAt === null)).toEqual([false]);
    // A key archived before can be used again: only active keys are unique.
    expect((await savedEventType(org.apiKey, "task.updated", { ...base, rules: [{ key: "a", template: "comment" }] })).rules.map((r) => r.key)).toEqual(["a"]);
  });

  describe.each([
    ["recipient.role ==", "is missing a value"],
    ["foo.bar == 1", 'unknown variable "foo"'],
    ["data.x | upcase", "unexpected"],
    ["", "cannot be empty"],
  ])("a condition %j", (condition, message) => {
    it("is refused 422 with the rule's field path and nothing is changed", async () => {
      const org = await createOrganization();
      await savedEventType(org.apiKey, "task.updated", { ...base, rules: [{ key: "kept", template: "comment" }] });
      const audited = (await auditRows(org.organizationId)).length;
      const res = await call<ErrorBody>("PUT", "/v1/event-types/task.updated", {
        key: org.apiKey,
        body: {
          category: "changed",
          template: "comment",
          rules: [
            { key: "ok", template: "comment", condition: "data.amount > 1" },
            { key: "bad", template: "comment", condition },
          ],
        },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.error.fields).toEqual([{ path: "rules.1.condition", message: expect.stringMatching(new RegExp(`^column \\d+: .*${message}`)) }]);
      expect(res.body.error.message).toContain('rule "bad"');
      const rows = await ruleRows(org.organizationId);
      expect(rows.map((r) => [r.key, r.archivedAt])).toEqual([["kept", null]]);
      const list = await call<{ eventTypes: EventTypeView[] }>("GET", "/v1/event-types", { key: org.apiKey });
      expect(list.body.eventTypes.find((e) => e.key === "task.updated")?.category).toBe("tasks");
      expect(await auditRows(org.organizationId)).toHaveLength(audited);
    });
  });

  it("names the column of a condition's error", async () => {
    const org = await createOrganization();
    const res = await putEventType(org.apiKey, "task.updated", { ...base, rules: [{ key: "bad", template: "comment", condition: 'data.a == 1 and nope == "x"' }] });
    expect(res.status).toBe(422);
    expect((res.body as unknown as ErrorBody).error.fields).toEqual([{ path: "rules.0.condition", message: 'column 17: unknown variable "nope": use data.… or recipient.…' }]);
  });

  it("refuses a rule's unknown or unpublished template with the rule's path", async () => {
    const org = await createOrganization();
    await withDb((db) => db.insert(templates).values({ organizationId: org.organizationId, key: "draft" }));
    for (const [template, message] of [
      ["missing", "unknown template"],
      ["draft", "publish a version first"],
    ] as const) {
      const res = await call<ErrorBody>("PUT", "/v1/event-types/task.updated", {
        key: org.apiKey,
        body: {
          ...base,
          rules: [
            { key: "a", template: "comment" },
            { key: "b", template },
          ],
        },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.error.fields).toEqual([{ path: "rules.1.template", message }]);
    }
    expect(await ruleRows(org.organizationId)).toEqual([]);
  });

  it("refuses repeated rule keys and more than twenty rules as a bad request", async () => {
    const org = await createOrganization();
    const twice = await call<ErrorBody>("PUT", "/v1/event-types/task.updated", {
      key: org.apiKey,
      body: {
        ...base,
        rules: [
          { key: "a", template: "comment" },
          { key: "a", template: "comment" },
        ],
      },
    });
    expect(twice.status).toBe(400);
    expect(twice.body.error.fields?.map((f) => f.path)).toEqual(["rules.1.key"]);
    const many = Array.from({ length: 21 }, (_, i) => ({ key: `r${i}`, template: "comment" }));
    expect((await call("PUT", "/v1/event-types/task.updated", { key: org.apiKey, body: { ...base, rules: many } })).status).toBe(400);
    const throttle = await call<ErrorBody>("PUT", "/v1/event-types/task.updated", {
      key: org.apiKey,
      body: { ...base, rules: [{ key: "a", template: "comment", throttle: { limit: 0, windowSeconds: 30 } }] },
    });
    expect(throttle.body.error.fields?.map((f) => f.path)).toEqual(["rules.0.throttle.limit", "rules.0.throttle.windowSeconds"]);
  });
});
