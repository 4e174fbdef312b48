import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../src/platform/errors";
import type { TemplateView } from "../../src/render/template-schema";
import { call } from "../fixtures/http";
import { postComment, waitForStatus } from "../fixtures/notifications";
import { createOrganization, uniqueEmail } from "../fixtures/organization";
import { configureProviders } from "../fixtures/providers";
import { receivedBy } from "../fixtures/sendgrid-fake";
import { smtpReceivedBy } from "../fixtures/smtp-fake";
import { TEST_SMTP } from "../setup/constants";

const content = (heading: string) => ({
  subject: "{{ data.author }} on {{ data.task }}",
  html: `{% layout "branding" %}{% block content %}<h1>${heading}</h1><p>{{ data.comment }}</p><ul><li>{{ data.task }}</li></ul>{% endblock %}`,
  requiredVariables: ["author", "task"],
  sampleData: { author: "Sam", task: "Sample task", comment: "Sample comment" },
});

async function createTemplate(key: string, apiKey: string, heading = "Version one") {
  const res = await call<TemplateView>("POST", "/v1/templates", { key: apiKey, body: { key, name: key, ...content(heading) } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function publish(apiKey: string, id: string, v: number) {
  return call<TemplateView & ErrorBody>("POST", `/v1/templates/${id}/versions/${v}/publish`, { key: apiKey });
}

async function bindEventType(apiKey: string, template: string) {
  const res = await call("PUT", "/v1/event-types/comment.created", { key: apiKey, body: { category: "comments", template } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

async function sentHtml(apiKey: string) {
  const { email, notificationId } = await postComment(apiKey);
  const n = await waitForStatus(notificationId, ["sent"]);
  const [mail] = await receivedBy(email);
  return { version: n.templateVersion, html: mail?.body.content.find((c) => c.type === "text/html")?.value ?? "" };
}

describe("templates: drafts, publishing and rollback", () => {
  it("keeps an edit as a draft until it is published, and rollback changes what the next email uses", async () => {
    const org = await createOrganization();
    const created = await createTemplate("comment-v", org.apiKey);
    expect(created).toMatchObject({ publishedVersion: null, latestVersion: 1 });
    expect((await publish(org.apiKey, created.id, 1)).status).toBe(200);
    await bindEventType(org.apiKey, "comment-v");

    const edited = await call<TemplateView>("PUT", `/v1/templates/${created.id}`, { key: org.apiKey, body: content("Version two") });
    expect(edited.body).toMatchObject({ publishedVersion: 1, latestVersion: 2 });
    expect((await sentHtml(org.apiKey)).html).toContain("Version one");

    expect((await publish(org.apiKey, created.id, 2)).status).toBe(200);
    const second = await sentHtml(org.apiKey);
    expect(second).toMatchObject({ version: 2 });
    expect(second.html).toContain("Version two");

    expect((await publish(org.apiKey, created.id, 1)).status).toBe(200);
    const rolledBack = await sentHtml(org.apiKey);
    expect(rolledBack.version).toBe(1);
    expect(rolledBack.html).toContain("Version one");
  });

  it("refuses to publish a broken template, naming the line and column, and keeps the published one", async () => {
    const org = await createOrganization();
    const created = await createTemplate("broken", org.apiKey);
    await publish(org.apiKey, created.id, 1);
    await call("PUT", `/v1/templates/${created.id}`, { key: org.apiKey, body: { ...content("x"), html: "<p>fine</p>\n<p>{% if data.task %}unclosed</p>" } });
    const res = await publish(org.apiKey, created.id, 2);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.error.code).toBe("UNPROCESSABLE_ENTITY");
    expect(res.body.error.fields?.[0]?.path).toMatch(/^en\.html:2:\d+$/);
    const after = await call<TemplateView>("GET", `/v1/templates/${created.id}`, { key: org.apiKey });
    expect(after.body.publishedVersion).toBe(1);
  });

  it("refuses to publish when a required variable is missing from the sample data", async () => {
    const org = await createOrganization();
    const created = await call<TemplateView>("POST", "/v1/templates", { key: org.apiKey, body: { key: "needs", ...content("x"), requiredVariables: ["project.name"] } });
    const res = await publish(org.apiKey, created.body.id, 1);
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body.error.fields)).toContain("project.name");
  });

  it("previews subject, HTML and text with the sample data, escaped and inside the branding", async () => {
    const org = await createOrganization("Preview Co");
    const created = await createTemplate("preview", org.apiKey);
    const res = await call<{ subject: string; html: string; text: string }>("POST", `/v1/templates/${created.id}/preview`, {
      key: await org.keyFor("viewer"),
      body: { data: { author: "Ann", task: "<b>Bold</b> plans", comment: "Hi" } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.subject).toBe("Ann on <b>Bold</b> plans");
    expect(res.body.html).toContain("&lt;b&gt;Bold&lt;/b&gt; plans");
    expect(res.body.html).toContain("Preview Co");
    expect(res.body.text).toContain("Version one");
  });

  it("answers a preview of a draft that does not parse with 422 and the position", async () => {
    const org = await createOrganization();
    const created = await createTemplate("bad-preview", org.apiKey);
    await call("PUT", `/v1/templates/${created.id}`, { key: org.apiKey, body: { ...content("x"), subject: "{{ data.author " } });
    const res = await call<ErrorBody>("POST", `/v1/templates/${created.id}/preview`, { key: org.apiKey, body: { version: 2 } });
    expect(res.status).toBe(422);
    expect(res.body.error.fields?.[0]?.path).toMatch(/^subject:1:\d+$/);
  });

  it("lets viewers read templates but not change them", async () => {
    const org = await createOrganization();
    const viewer = await org.keyFor("viewer");
    expect((await call("GET", "/v1/templates", { key: viewer })).status).toBe(200);
    expect((await call("POST", "/v1/templates", { key: viewer, body: { key: "nope", ...content("x") } })).status).toBe(403);
  });

  it("refuses an event type bound to a template that does not exist", async () => {
    const org = await createOrganization();
    const res = await call<ErrorBody>("PUT", "/v1/event-types/thing.happened", { key: org.apiKey, body: { category: "things", template: "missing" } });
    expect(res.status).toBe(422);
    expect(res.body.error.fields?.[0]?.path).toBe("template");
  });

  it("uses a replaced branding layout in the next email, and refuses one that does not parse", async () => {
    const org = await createOrganization();
    const created = await createTemplate("branded", org.apiKey);
    await publish(org.apiKey, created.id, 1);
    await bindEventType(org.apiKey, "branded");
    const bad = await call<ErrorBody>("PUT", "/v1/layouts/branding", { key: org.apiKey, body: { source: '{% layout "base" %}{% block content %}{% if x %}{% endblock %}' } });
    expect(bad.status).toBe(422);
    const good = await call("PUT", "/v1/layouts/branding", {
      key: org.apiKey,
      body: { source: '{% layout "base" %}{% block header %}<div class="house-style">HOUSE STYLE</div>{% endblock %}' },
    });
    expect(good.status, JSON.stringify(good.body)).toBe(200);
    expect((await sentHtml(org.apiKey)).html).toContain("HOUSE STYLE");
  });

  it("delivers a rendered email whose MIME parses into the HTML and text parts with the expected content", async () => {
    const org = await createOrganization("Mime Co");
    await configureProviders(org.apiKey, [{ provider: "smtp", host: "localhost", port: env.SMTP_FAKE_PORT, startTls: true, ...TEST_SMTP }]);
    const created = await createTemplate("mime", org.apiKey, "Parsed heading");
    await publish(org.apiKey, created.id, 1);
    await bindEventType(org.apiKey, "mime");
    const email = uniqueEmail("mime");
    const { notificationId } = await postComment(org.apiKey, email);
    await waitForStatus(notificationId, ["sent"]);
    const [received] = await smtpReceivedBy(email);
    expect(received?.html).toContain("<h1");
    expect(received?.html).toContain("Parsed heading");
    expect(received?.text).toContain("Parsed heading");
    expect(received?.text).toContain("- Ship v1");
  });
});
