import { mkdir } from "node:fs/promises";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";

const skip = inject("browserSkipReason");
const SHOTS = "test-output/screenshots";

/** What a page did that the reference, served whole from our origin under its CSP, never does. */
type Watch = { consoleErrors: string[]; violations: string[]; offsite: string[] };

/** Records CSP violations from the first script on: the report event fires even when the console says nothing. */
const RECORD_VIOLATIONS = `
  window.__violations = [];
  document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline")));
`;

describe.skipIf(Boolean(skip))("the API reference at /docs in Chromium", () => {
  const base = inject("serviceUrl");
  let browser: Browser;
  let watches: { page: Page; watch: Watch }[] = [];

  const open = async (path: string): Promise<Page> => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const watch: Watch = { consoleErrors: [], violations: [], offsite: [] };
    watches.push({ page, watch });
    await page.addInitScript(RECORD_VIOLATIONS);
    page.on("console", (m) => {
      if (m.type() === "error") watch.consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => watch.consoleErrors.push(e.message));
    page.on("response", (r) => {
      if (r.status() >= 400) watch.consoleErrors.push(`${r.status()} ${r.url()}`);
    });
    page.on("request", (r) => {
      const url = new URL(r.url());
      if (url.protocol !== "data:" && url.hostname !== "127.0.0.1") watch.offsite.push(r.url());
    });
    await page.goto(`${base}${path}`);
    return page;
  };
  /** The operation's row in the reference, by method and path as the document names them. */
  const operation = (page: Page, method: string, path: string) => page.locator(`.opblock-${method}`).filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: inject("chromiumPath"), args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  });
  afterEach(async () => {
    // Every page any test opened: no console error, no CSP violation, nothing fetched beyond 127.0.0.1.
    const all = watches;
    watches = [];
    for (const { page, watch } of all) watch.violations.push(...(await page.evaluate<string[]>("window.__violations")));
    expect(all.flatMap((w) => w.watch.violations)).toEqual([]);
    expect(all.flatMap((w) => w.watch.consoleErrors)).toEqual([]);
    expect(all.flatMap((w) => w.watch.offsite)).toEqual([]);
    for (const context of browser?.contexts() ?? []) await context.close();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("renders every operation from /openapi.json, POST /v1/events with its summary and example body", async () => {
    const page = await open("/docs");
    expect(await page.title()).toBe("Tidings API reference");
    const events = operation(page, "post", "/v1/events");
    await events.waitFor({ state: "visible", timeout: 30_000 });
    expect(await events.locator(".opblock-summary-method").textContent()).toBe("POST");
    expect(await events.locator(".opblock-summary-description").textContent()).toBe("Accept a business event and create its notifications");
    expect(await page.locator(".opblock").count()).toBeGreaterThan(30);

    await events.locator(".opblock-summary-control").click();
    const example = events.locator(".body-param__example");
    await example.waitFor({ state: "visible" });
    expect(await example.textContent()).toContain('"idempotencyKey": "comment-8812"');
    await page.screenshot({ path: `${SHOTS}/docs-1280.png` });
  });

  it("tries a call from the page with a key typed into Authorize, answered by the same origin", async () => {
    const page = await open("/docs");
    await operation(page, "get", "/v1/event-types").waitFor({ state: "visible", timeout: 30_000 });
    await page.locator(".auth-wrapper .authorize").click();
    await page.locator(".auth-container input").fill(inject("apiKey"));
    await page.locator(".auth-btn-wrapper .authorize").click();
    await page.locator(".auth-btn-wrapper .btn-done").click();

    const eventTypes = operation(page, "get", "/v1/event-types");
    await eventTypes.locator(".opblock-summary-control").click();
    await eventTypes.locator(".try-out__btn").click();
    await eventTypes.locator(".execute").click();
    const status = eventTypes.locator(".live-responses-table tbody .response-col_status").first();
    await status.waitFor({ state: "visible" });
    expect(await status.textContent()).toBe("200");
    expect(await eventTypes.locator(".live-responses-table tbody .response-col_description").first().textContent()).toContain("comment.created");
  });
});
