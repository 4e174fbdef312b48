import { describe, expect, it } from "vitest";
import commentSource from "../../templates/demo/comment.created.liquid";
import projectSource from "../../templates/demo/project.completed.liquid";
import taskSource from "../../templates/demo/task.deadline_approaching.liquid";
import { DIGEST_TEMPLATE, splitFrontMatter } from "../../src/render/layouts";
import { renderNotification } from "../../src/render/render-notification";
import { validateTemplate } from "../../src/render/validate-template";
import { cardOf, commentInput } from "../fixtures/render";

const DEMOS = [
  ["comment.created", commentSource, { author: "Grace", task: "Ship v1", comment: "Looks good", url: "https://app.test/t/1" }, "Looks good"],
  ["project.completed", projectSource, { project: "Apollo", completedBy: "Linus", taskCount: 42, url: "https://app.test/p/1" }, "42 tasks were finished"],
  ["task.deadline_approaching", taskSource, { task: "Ship v1", project: "Apollo", due: "tomorrow at 17:00", url: "https://app.test/t/1" }, "is due tomorrow at 17:00"],
] as const;

describe("the built-in templates", () => {
  it.each(DEMOS)("%s renders with branding, passes publishing checks and inlines once per version", async (key, source, data, expected) => {
    const { meta, body } = splitFrontMatter(source);
    const template = { id: `demo:${key}`, version: 1, subject: meta.subject ?? "", html: body };
    const result = await renderNotification(commentInput({ template, data }));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.inlining).toBe("per-version");
    expect(cardOf(result.value.html)).toContain(expected);
    expect(result.value.text).toContain(expected);
    expect(result.value.html).toContain('class="preheader"');
    expect(await validateTemplate({ subject: template.subject, html: body, sampleData: data })).toMatchObject({ ok: true });
  });

  it("renders the digest with its items, counts and how many more there are", async () => {
    const items = Array.from({ length: 4 }, (_, i) => ({
      title: `Update ${i + 1}`,
      url: `https://app.test/u/${i + 1}`,
      summary: i === 0 ? "A long summary ".repeat(20) : null,
      at: "2026-03-10T09:00:00Z",
    }));
    const result = await renderNotification(commentInput({ template: DIGEST_TEMPLATE, data: { items, total: 7, limit: 3, url: "https://app.test/inbox" } }));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.subject).toBe("7 new updates from Acme");
    const card = cardOf(result.value.html);
    expect(card).toContain("here are the 7 updates that happened since your last digest");
    expect(card).toContain("Update 3");
    expect(card).not.toContain("Update 4");
    expect(card).toContain("…and 4 more updates.");
    expect(card).toContain("3 hours ago");
    expect(card).toMatch(/A long summary[^<]*…</);
    expect(result.value.text).toContain("Update 1 (https://app.test/u/1)");
  });

  it("says 'and 1 more update' in the singular", async () => {
    const items = [{ title: "Only one shown", url: "https://app.test/u/1" }];
    const result = await renderNotification(commentInput({ template: DIGEST_TEMPLATE, data: { items, total: 2, limit: 1 } }));
    if (!result.ok) throw new Error(result.error.message);
    expect(cardOf(result.value.html)).toContain("…and 1 more update.");
  });
});
