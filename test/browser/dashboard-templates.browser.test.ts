import { mkdir } from "node:fs/promises";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { capturedEmail, settledStatus } from "./api";

const skip = inject("browserSkipReason");
const SHOTS = "test-output/screenshots";
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 900 };
type Viewport = typeof PHONE;

const TEMPLATE_KEY = "dash.check";
const EVENT_TYPE = "dash.checked";
const SAMPLE = { task: "Sample task", author: "Sam" };
const html = (marker: string) => `{% layout "branding" %}{% block content %}\n<h1>${marker}</h1>\n<p>{{ data.author }} on {{ data.task }}</p>\n{% endblock %}`;

describe.skipIf(Boolean(skip))("templates and event types in the dashboard, in Chromium", () => {
  const base = inject("serviceUrl");
  let browser: Browser;
  let templateId: string;
  let consoleErrors: string[] = [];

  const api = async <T>(method: string, path: string, body?: unknown, key = inject("apiKey")): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  /** Posts one dash.checked event to a fresh address and returns the HTML of the email it became. */
  const mailOfNextEvent = async () => {
    const email = `tpl-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const { notifications } = await api<{ notifications: { id: string }[] }>("POST", "/v1/events", {
      type: EVENT_TYPE,
      recipients: [{ id: email, email, name: "Ada" }],
      data: { task: "Real task", author: "Grace" },
    });
    expect(await settledStatus(notifications[0]?.id ?? "")).toBe("sent");
    return (await capturedEmail(email)).html;
  };

  const signIn = async (viewport: Viewport, key = inject("apiKey")): Promise<Page> => {
    const page = await (await browser.newContext({ viewport })).newPage();
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
    await page.goto(`${base}/dashboard/login`);
    const field = page.getByLabel("API key");
    await field.fill(key);
    await field.press("Enter");
    await page.waitForURL(`${base}/dashboard`);
    return page;
  };
  const shoot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
  const expectNoOverflow = async (page: Page) => {
    const { scrollWidth, clientWidth } = await page.evaluate<{ scrollWidth: number; clientWidth: number }>(
      "({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })",
    );
    expect(scrollWidth, `${page.url()} is ${scrollWidth} px wide in a ${clientWidth} px window`).toBeLessThanOrEqual(clientWidth);
  };
  const openTemplate = async (page: Page, listShot?: string) => {
    await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Templates" }).click();
    await page.waitForURL(`${base}/dashboard/templates`);
    if (listShot) {
      expect(await page.locator(`tbody tr:has(a:text-is('${TEMPLATE_KEY}')) td`).allTextContents()).toEqual([
        "—",
        expect.stringMatching(/^v\d+$/),
        expect.stringMatching(/^v\d+$/),
      ]);
      await expectNoOverflow(page);
      await shoot(page, listShot);
    }
    await page.getByRole("link", { name: TEMPLATE_KEY }).click();
    await page.waitForURL(`${base}/dashboard/templates/${templateId}`);
  };
  const fact = (page: Page, name: string) => page.locator(`dl.facts dt:text-is('${name}') + dd`).textContent();

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: inject("chromiumPath"), args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
    const created = await api<{ id: string }>("POST", "/v1/templates", { key: TEMPLATE_KEY, subject: "Check {{ data.task }}", html: html("Version one"), sampleData: SAMPLE });
    templateId = created.id;
    await api("POST", `/v1/templates/${templateId}/versions/1/publish`);
    await api("PUT", `/v1/event-types/${EVENT_TYPE}`, { category: "checks", template: TEMPLATE_KEY });
  });
  afterEach(async () => {
    const errors = consoleErrors;
    consoleErrors = [];
    expect(errors).toEqual([]);
    for (const context of browser?.contexts() ?? []) await context.close();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each([PHONE, DESKTOP])("edits at $width px, previews at both widths, publishes, and the next event's email uses the new version", async (viewport) => {
    const marker = `Edited at ${viewport.width}`;
    const page = await signIn(viewport);
    await openTemplate(page, `dashboard-templates-list-${viewport.width}`);
    await page.getByLabel("HTML", { exact: true }).fill(html(marker));
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.waitForURL(/notice=saved/);
    expect(await page.getByRole("status").textContent()).toContain("Saved as a draft");
    const version = Number(/v=(\d+)/.exec(page.url())?.[1]);
    // The draft's preview, in both frames, from the real renderer with the branding, and its text part.
    for (const frame of ["iframe.preview.desktop", "iframe.preview.phone"]) {
      await expect.poll(() => page.frameLocator(frame).locator("body").textContent()).toContain(marker);
    }
    expect(await page.evaluate<number>(`document.querySelector("iframe.preview.phone").clientWidth`)).toBe(375);
    expect(await page.frameLocator("iframe.preview.desktop").locator("body").innerHTML()).toContain("#0f766e");
    expect(await page.locator("pre.text-part").textContent()).toContain("Sam on Sample task");
    // Other sample data, typed into the preview form: nothing is saved.
    await page.getByLabel("Data (JSON)", { exact: true }).fill(JSON.stringify({ task: "Typed task", author: "Kim" }));
    await page.getByRole("button", { name: "Preview", exact: true }).click();
    await expect.poll(() => page.frameLocator("iframe.preview.phone").locator("body").textContent()).toContain("Kim on Typed task");
    await expectNoOverflow(page);
    await shoot(page, `dashboard-template-preview-${viewport.width}`);
    // A full-page shot leaves frames below the window blank: this one shows them in view.
    await page.locator("div.frames").scrollIntoViewIfNeeded();
    // Each frame is painted by its own renderer: wait for two of its animation frames before the shot.
    for (const frame of ["iframe.preview.desktop", "iframe.preview.phone"]) {
      await page.frameLocator(frame).locator("body").evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))");
    }
    await page.screenshot({ path: `${SHOTS}/dashboard-template-preview-frames-${viewport.width}.png` });

    await page
      .getByRole("button", { name: `Publish version ${version}`, exact: true })
      .first()
      .click();
    await page.waitForURL(/notice=published/);
    expect(await fact(page, "Published")).toBe(`v${version}`);
    const mail = await mailOfNextEvent();
    expect(mail).toContain(marker);
    expect(mail).toContain("Grace on Real task");
  });

  it.each([PHONE, DESKTOP])("shows at $width px a template error at its line and column, and refuses to publish it", async (viewport) => {
    const page = await signIn(viewport);
    await openTemplate(page);
    await page.getByLabel("HTML", { exact: true }).fill(`<p>fine</p>\n<p>{% if data.task %}never closed</p>`);
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.waitForURL(/notice=saved/);
    const version = Number(/v=(\d+)/.exec(page.url())?.[1]);
    expect(await page.locator("#check-issues").textContent()).toBe(`Version ${version} cannot be published yet:`);
    await page
      .getByRole("button", { name: `Publish version ${version}`, exact: true })
      .first()
      .click();
    await page.waitForURL(`${base}/dashboard/templates/${templateId}?v=${version}&notice=refused`);
    expect(await page.locator("#check-issues").textContent()).toBe(`Version ${version} was not published:`);
    const issues = page.locator(".error .issues").first();
    expect(await issues.textContent()).toMatch(/en · html · line 2, column \d+/);
    expect(await issues.locator("pre.source").textContent()).toContain("2 | <p>{% if data.task %}never closed</p>");
    expect(await fact(page, "Published")).not.toBe(`v${version}`);
    await expectNoOverflow(page);
    await shoot(page, `dashboard-template-error-${viewport.width}`);
  });

  it.each([PHONE, DESKTOP])("rolls back at $width px to version 1 from the history, after a diff against the published version", async (viewport) => {
    // A good version published over v1 first, so there is something to roll back from at each width.
    const { latestVersion } = await api<{ latestVersion: number }>("PUT", `/v1/templates/${templateId}`, {
      subject: "Check {{ data.task }}",
      html: html(`Before rollback at ${viewport.width}`),
      sampleData: SAMPLE,
    });
    await api("POST", `/v1/templates/${templateId}/versions/${latestVersion}/publish`);
    const page = await signIn(viewport);
    await openTemplate(page);
    await page.getByRole("link", { name: `Diff v1 against v${latestVersion}` }).click();
    await page.waitForURL(`${base}/dashboard/templates/${templateId}/versions/1`);
    expect(await page.locator("tr.added td:last-child").allTextContents()).toContain("<h1>Version one</h1>");
    await expectNoOverflow(page);
    await shoot(page, `dashboard-template-diff-${viewport.width}`);
    await page.goBack();
    await page.getByRole("button", { name: "Roll back to version 1", exact: true }).click();
    await page.waitForURL(/notice=rolled_back/);
    expect(await fact(page, "Published")).toBe("v1");
    expect(await mailOfNextEvent()).toMatch(/<h1[^>]*>Version one<\/h1>/);
  });

  it.each([PHONE, DESKTOP])("edits an event type's priority and critical flag at $width px, keyboard only", async (viewport) => {
    const page = await signIn(viewport);
    await page.goto(`${base}/dashboard/event-types`);
    const form = page.getByRole("form", { name: `Change ${EVENT_TYPE}` });
    await form.getByLabel("Priority").selectOption(viewport === PHONE ? "high" : "normal");
    await form.getByLabel(/^Critical/).focus();
    await page.keyboard.press("Space");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    expect(await page.evaluate<string>("document.activeElement.textContent")).toBe(`Save ${EVENT_TYPE}`);
    expect(await page.evaluate<string>("getComputedStyle(document.activeElement).outlineStyle")).not.toBe("none");
    await page.keyboard.press("Enter");
    await page.waitForURL(/saved=/);
    const row = await page.locator(`tbody tr:has(th:text-is('${EVENT_TYPE}')) td`).allTextContents();
    expect(row).toEqual([TEMPLATE_KEY, "checks", viewport === PHONE ? "high" : "normal", viewport === PHONE ? "yes" : "no", "yes", "its own"]);
    await expectNoOverflow(page);
    await shoot(page, `dashboard-event-types-${viewport.width}`);
  });

  it.each([PHONE, DESKTOP])("lets a viewer read at $width px but change nothing: no change form, and a forged POST answers 403", async (viewport) => {
    const { key } = await api<{ key: string }>("POST", "/v1/api-keys", { name: `viewer ${viewport.width}`, role: "viewer" });
    const page = await signIn(viewport, key);
    await openTemplate(page);
    expect(await page.getByRole("heading", { level: 2, name: /^Source of v\d+$/ }).count()).toBe(1);
    expect(await page.locator("main form[method=post]").count()).toBe(0);
    expect(await page.locator("textarea[name=html]").count()).toBe(0);
    expect(await page.getByRole("button", { name: /Publish|Roll back|Save/ }).count()).toBe(0);
    await expectNoOverflow(page);
    await shoot(page, `dashboard-template-viewer-${viewport.width}`);
    for (const path of [`/dashboard/templates/${templateId}`, `/dashboard/templates/${templateId}/versions/1/publish`, "/dashboard/event-types"]) {
      const res = await page.request.post(`${base}${path}`, {
        form: { subject: "x", html: "<p>forged</p>", key: EVENT_TYPE, template: TEMPLATE_KEY, category: "x" },
        headers: { accept: "text/html" },
      });
      expect(res.status(), path).toBe(403);
    }
    await page.goto(`${base}/dashboard/event-types`);
    expect(await page.locator("main form").count()).toBe(0);
  });
});

if (skip) console.warn(`[browser] templates in the dashboard: SKIPPED, ${skip}`);
