import { describe, expect, it } from "vitest";
import { changeBinding } from "../../../src/operators/dashboard/routes/change-guard";
import { createCsrfToken } from "../../../src/platform/http/csrf";
import { auditRows } from "../../fixtures/audit";
import { fetchDashboard, sessionCookieFor, workerKeys } from "../../fixtures/dashboard";
import { COMMENT_TEMPLATE, createOrganization } from "../../fixtures/organization";

const page = (id: string, query = "") => `/dashboard/templates/${id}${query}`;

async function signedIn(role: "viewer" | "editor" | "admin") {
  const organization = await createOrganization();
  const cookie = await sessionCookieFor(organization, await organization.keyFor(role), role);
  return { organization, cookie };
}

/** The editor's fields as the form posts them, with the given HTML. */
const editorForm = (csrf: string, html: string): [string, string][] => [
  ["csrf", csrf],
  ["defaultLocale", "en"],
  ["subject", COMMENT_TEMPLATE.subject],
  ["html", html],
  ["text", ""],
  ["requiredVariables", "task"],
  ["sampleData", JSON.stringify({ author: "Sam", task: "Sample task", comment: "Hi", url: "https://example.com/t" })],
];

/** The change forms' CSRF token: the page's first one is the sign-out form's, bound to another purpose. */
const csrfOf = (html: string) => {
  const tokens = [...html.matchAll(/name="csrf" value="([^"]+)"/g)].map((m) => m[1] ?? "");
  if (tokens.length < 2) throw new Error(`no change form in:\n${html}`);
  return tokens[1] ?? "";
};

/** A CSRF token valid for this very session: what a viewer could obtain, so only the role check stands. */
const tokenFor = async (cookie: string) => createCsrfToken(await workerKeys(), changeBinding(cookie.replace(/^tidings_dashboard=/, "")));

describe("the dashboard's templates", () => {
  it("lists the organisation's templates with the version in use and links each to its page", async () => {
    const { organization, cookie } = await signedIn("viewer");
    const res = await fetchDashboard("/dashboard/templates", { cookie });
    expect(res.status, res.text).toBe(200);
    expect(res.text).toContain(`<a href="/dashboard/templates/${organization.templateId}">comment</a>`);
    expect(res.text).toMatch(/<td class="num">v1<\/td><td class="num">v1<\/td>/);
  });

  it("shows a viewer the source and preview but no form that changes anything, and refuses a forged save with 403", async () => {
    const { organization, cookie } = await signedIn("viewer");
    const res = await fetchDashboard(page(organization.templateId), { cookie });
    expect(res.status, res.text).toBe(200);
    expect(res.text).toContain("Source of v1");
    const postForms = [...res.text.matchAll(/<form method="post" action="([^"]+)"/g)].map((m) => m[1]);
    expect(postForms).toEqual(["/dashboard/logout"]);
    const forged = await fetchDashboard(page(organization.templateId), { cookie, form: editorForm(await tokenFor(cookie), "<p>forged</p>") });
    expect(forged.status).toBe(403);
    expect(forged.text).toContain("only reads");
    const publish = await fetchDashboard(page(organization.templateId, "/versions/1/publish"), { cookie, form: [["csrf", await tokenFor(cookie)]] });
    expect(publish.status).toBe(403);
    expect((await auditRows(organization.organizationId)).map((r) => r.action)).toEqual([]);
  });

  it("refuses an editor's save without this session's CSRF token and stores no version", async () => {
    const { organization, cookie } = await signedIn("editor");
    const other = await signedIn("editor");
    const foreignToken = await tokenFor(other.cookie);
    for (const csrf of ["", foreignToken]) {
      const res = await fetchDashboard(page(organization.templateId), { cookie, form: editorForm(csrf, "<p>sneaky</p>") });
      expect(res.status).toBe(403);
      expect(res.text).toContain("This form expired or came from another page");
    }
    const after = await fetchDashboard(page(organization.templateId), { cookie });
    expect(after.text).not.toContain("sneaky");
    expect(after.text).toContain("<dt>Latest</dt><dd>v1</dd>");
  });

  it("saves an editor's draft as a new version, audited as a dashboard change, while v1 stays published", async () => {
    const { organization, cookie } = await signedIn("editor");
    const form = await fetchDashboard(page(organization.templateId), { cookie });
    const res = await fetchDashboard(page(organization.templateId), { cookie, form: editorForm(csrfOf(form.text), "<h1>Draft two for {{ data.task }}</h1>") });
    expect(res.status, res.text).toBe(303);
    expect(res.headers.get("location")).toBe(`/dashboard/templates/${organization.templateId}?v=2&notice=saved`);
    const shown = await fetchDashboard(res.headers.get("location") ?? "", { cookie });
    expect(shown.text).toContain("<dt>Published</dt><dd>v1</dd>");
    expect(shown.text).toContain("Draft two for Sample task");
    const [entry] = await auditRows(organization.organizationId);
    expect(entry).toMatchObject({ action: "template.version_create", via: "dashboard", targetId: organization.templateId, details: { key: "comment", version: 2 } });
  });

  it("refuses to publish a draft that does not parse, showing the line and column, and keeps the published version", async () => {
    const { organization, cookie } = await signedIn("editor");
    const csrf = csrfOf((await fetchDashboard(page(organization.templateId), { cookie })).text);
    await fetchDashboard(page(organization.templateId), { cookie, form: editorForm(csrf, "<p>fine</p>\n<p>{% if data.task %}open</p>") });
    const shown = await fetchDashboard(page(organization.templateId, "?v=2"), { cookie });
    expect(shown.text).toContain("Version 2 cannot be published yet:");
    const refused = await fetchDashboard(page(organization.templateId, "/versions/2/publish"), { cookie, form: [["csrf", csrf]] });
    expect(refused.status).toBe(303);
    expect(refused.headers.get("location")).toBe(`/dashboard/templates/${organization.templateId}?v=2&notice=refused`);
    const res = await fetchDashboard(refused.headers.get("location") ?? "", { cookie });
    expect(res.text).toContain("Version 2 was not published:");
    expect(res.text).toMatch(/en · html · line 2, column \d+/);
    expect(res.text).toContain("2 | &lt;p&gt;{% if data.task %}open&lt;/p&gt;");
    expect(res.text).toContain("<dt>Published</dt><dd>v1</dd>");
    // A client that does not ask for a page gets the API's 422, fields naming the line.
    const json = await fetchDashboard(page(organization.templateId, "/versions/2/publish"), { cookie, accept: "application/json", form: [["csrf", csrf]] });
    expect(json.status).toBe(422);
    expect(json.text).toMatch(/"path":"en\.html:2:\d+"/);
    expect((await auditRows(organization.organizationId)).map((r) => r.action)).toEqual(["template.version_create"]);
  });

  it("publishes a draft and rolls back to version 1, each audited, the rollback marked so", async () => {
    const { organization, cookie } = await signedIn("admin");
    const csrf = csrfOf((await fetchDashboard(page(organization.templateId), { cookie })).text);
    await fetchDashboard(page(organization.templateId), { cookie, form: editorForm(csrf, "<p>Two: {{ data.task }}</p>") });
    const published = await fetchDashboard(page(organization.templateId, "/versions/2/publish"), { cookie, form: [["csrf", csrf]] });
    expect(published.status, published.text).toBe(303);
    expect(published.headers.get("location")).toBe(`/dashboard/templates/${organization.templateId}?v=2&notice=published`);
    const history = await fetchDashboard(page(organization.templateId), { cookie });
    expect(history.text).toContain("Roll back to version 1");
    expect(history.text).toContain(`<a href="/dashboard/templates/${organization.templateId}/versions/1">Diff v1 against v2</a>`);
    const diff = await fetchDashboard(page(organization.templateId, "/versions/1"), { cookie });
    expect(diff.text).toContain('<tr class="added"><td class="sign"><span aria-hidden="true">+</span>');
    expect(diff.text).toContain("&lt;p&gt;Two: {{ data.task }}&lt;/p&gt;");
    const rolledBack = await fetchDashboard(page(organization.templateId, "/versions/1/publish"), { cookie, form: [["csrf", csrf]] });
    expect(rolledBack.headers.get("location")).toBe(`/dashboard/templates/${organization.templateId}?v=1&notice=rolled_back`);
    const entries = (await auditRows(organization.organizationId)).filter((r) => r.action === "template.publish");
    expect(entries.map((e) => e.details)).toEqual([
      { key: "comment", version: 2, previousVersion: 1, rollback: false },
      { key: "comment", version: 1, previousVersion: 2, rollback: true },
    ]);
    expect(entries.every((e) => e.via === "dashboard")).toBe(true);
  });

  it("serves the preview frame with a CSP of its own that only the dashboard may frame, and the page allows only its own frames", async () => {
    const { organization, cookie } = await signedIn("viewer");
    const shown = await fetchDashboard(page(organization.templateId, `?data=${encodeURIComponent('{"task":"Frame task","author":"Ann"}')}`), { cookie });
    expect(shown.headers.get("content-security-policy")).toContain("frame-src 'self'");
    const src = /<iframe class="preview phone" title="Preview at 375 px" src="([^"]+)"/.exec(shown.text)?.[1]?.replace(/&amp;/g, "&") ?? "";
    expect(src).toMatch(new RegExp(`^/dashboard/templates/${organization.templateId}/versions/1/frame\\?`));
    const frame = await fetchDashboard(src, { cookie });
    expect(frame.status).toBe(200);
    expect(frame.text).toContain("New comment on Frame task");
    const csp = frame.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).toContain("sandbox");
    expect(csp).not.toContain("script-src");
    expect(frame.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  });
});

describe("the change forms", () => {
  it("label every control of the template editor and the event types' forms", async () => {
    const { organization, cookie } = await signedIn("editor");
    for (const path of [page(organization.templateId), "/dashboard/event-types"]) {
      const res = await fetchDashboard(path, { cookie });
      const ids = [...res.text.matchAll(/<(?:input|select|textarea) [^>]*id="([^"]+)"/g)].map((m) => m[1]);
      expect(ids.length, path).toBeGreaterThan(5);
      for (const id of ids) expect(res.text, `${path}: ${id}`).toContain(`<label for="${id}">`);
    }
  });
});

describe("the dashboard's event types", () => {
  it("changes an event type's priority, critical flag and category for an editor, audited", async () => {
    const { organization, cookie } = await signedIn("editor");
    const before = await fetchDashboard("/dashboard/event-types", { cookie });
    const form: [string, string][] = [
      ["csrf", csrfOf(before.text)],
      ["key", "comment.created"],
      ["template", "comment"],
      ["category", "discussions"],
      ["priority", "high"],
      ["critical", "on"],
      ["retainContent", "on"],
    ];
    const res = await fetchDashboard("/dashboard/event-types", { cookie, form });
    expect(res.status, res.text).toBe(303);
    const after = await fetchDashboard(res.headers.get("location") ?? "", { cookie });
    expect(after.text).toContain("Saved comment.created.");
    expect(after.text).toContain('<th scope="row">comment.created</th><td>comment</td><td>discussions</td><td>high</td><td>yes</td><td>yes</td>');
    const [entry] = await auditRows(organization.organizationId);
    expect(entry).toMatchObject({
      action: "event_type.upsert",
      via: "dashboard",
      targetId: "comment.created",
      details: { category: "discussions", priority: "high", critical: true },
    });
  });

  it("shows a viewer the event types without forms and refuses a forged change with 403", async () => {
    const { organization, cookie } = await signedIn("viewer");
    const res = await fetchDashboard("/dashboard/event-types", { cookie });
    expect(res.text).toContain('<th scope="row">security.alert</th><td>comment</td><td>security</td><td>high</td><td>yes</td>');
    expect([...res.text.matchAll(/<form method="post" action="([^"]+)"/g)].map((m) => m[1])).toEqual(["/dashboard/logout"]);
    const forged = await fetchDashboard("/dashboard/event-types", {
      cookie,
      form: [
        ["csrf", await tokenFor(cookie)],
        ["key", "comment.created"],
        ["template", "comment"],
        ["category", "x"],
      ],
    });
    expect(forged.status).toBe(403);
    expect(await auditRows(organization.organizationId)).toEqual([]);
  });
});
