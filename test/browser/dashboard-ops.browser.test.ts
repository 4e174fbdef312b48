import { mkdir } from "node:fs/promises";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { postComment, settledStatus } from "./api";
import { api, DESKTOP, expectNoOverflow, focused, PHONE, pageOpener, SHOTS, shoot, WIDTHS } from "./chromium-pages";

const skip = inject("browserSkipReason");
const METRICS = ["sent", "delivered", "bounced", "complained", "opened", "clicked", "failed", "suppressed"] as const;
type Figures = Record<string, number | { p50: number; p95: number } | null>;
type Analytics = { rows: (Figures & { day?: string; provider?: string | null; eventType?: string | null })[]; totals: Figures };

describe.skipIf(Boolean(skip))("the dashboard's analytics and operations pages in Chromium", () => {
  const base = inject("serviceUrl");
  const admin = inject("apiKey");
  let browser: Browser;
  let viewerKey: string;
  const { open, signIn, expectQuiet } = pageOpener(() => browser);
  const nav = (page: Page, label: string) => page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: label, exact: true }).click();

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: inject("chromiumPath"), args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
    const recipient = { id: `ops-${crypto.randomUUID().slice(0, 8)}`, email: `ops-${crypto.randomUUID().slice(0, 8)}@example.test` };
    expect(await settledStatus(await postComment(recipient, "Analytics check"))).toBe("sent");
    const viewer = await api<{ key: string }>("POST", "/v1/api-keys", admin, { name: "ops viewer", role: "viewer" });
    viewerKey = viewer.body.key;
    await api("POST", "/v1/domains", admin, { domain: `ops-${crypto.randomUUID().slice(0, 6)}.example.com` });
  });
  afterEach(async () => {
    expectQuiet();
    for (const context of browser?.contexts() ?? []) await context.close();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each(WIDTHS)("creates a key at $width px with the keyboard that works on the API, and revokes it so the API refuses it", async (viewport) => {
    const page = await signIn(viewport, admin);
    await nav(page, "API keys");
    await page.waitForURL(`${base}/dashboard/keys`);
    // The skip link, then the first control of the page: the new key's name, with a visible focus.
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    expect(await focused(page)).toEqual({ tag: "INPUT", id: "key-name", outline: true });
    const name = `browser ${viewport.width}`;
    await page.keyboard.type(name);
    await page.keyboard.press("Tab");
    expect((await focused(page)).id).toBe("key-role");
    await page.keyboard.press("v");
    expect(await page.getByLabel("Role").inputValue()).toBe("viewer");
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${base}/dashboard/keys`);
    const key = (await page.locator("[data-new-key]").textContent()) ?? "";
    expect(key).toMatch(/^tid_/);
    expect((await api("GET", "/v1/sending", key)).status).toBe(200);
    await shoot(page, `dashboard-keys-created-${viewport.width}`);

    const revoke = page.getByRole("button", { name: new RegExp(`^Revoke ${name} \\(tid_`) });
    await revoke.focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(`${base}/dashboard/keys/*/revoke`);
    expect(await page.getByRole("status").textContent()).toContain(`Revoked ${name}`);
    // Revoked through the same isolate that answers the API: refused on the next request, not API_KEY_CACHE_SECONDS later.
    expect((await api("GET", "/v1/sending", key)).status).toBe(401);
    await expectNoOverflow(page);
  });

  it.each(WIDTHS)("shows at $width px the analytics figures GET /v1/analytics answers for the same dates", async (viewport) => {
    const page = await signIn(viewport, admin);
    await nav(page, "Analytics");
    await page.waitForURL(`${base}/dashboard/analytics`);
    const from = await page.locator("[data-range-from]").getAttribute("data-range-from");
    const to = await page.locator("[data-range-to]").getAttribute("data-range-to");
    const byDay = await api<Analytics>("GET", `/v1/analytics?from=${from}&to=${to}&groupBy=day`, admin);
    const byProvider = await api<Analytics>("GET", `/v1/analytics?from=${from}&to=${to}&groupBy=provider`, admin);
    const byType = await api<Analytics>("GET", `/v1/analytics?from=${from}&to=${to}&groupBy=eventType`, admin);
    expect(byDay.status).toBe(200);
    const shown = await page.evaluate<Record<string, Record<string, string>>>(`(() => {
      const out = {};
      for (const tr of document.querySelectorAll("tr[data-day], tr[data-provider], tr[data-event-type]")) {
        const key = tr.dataset.day ? "day:" + tr.dataset.day : tr.dataset.provider !== undefined ? "provider:" + tr.dataset.provider : "type:" + tr.dataset.eventType;
        out[key] = Object.fromEntries([...tr.querySelectorAll("td[data-metric]")].map((td) => [td.dataset.metric, td.textContent]));
      }
      return out;
    })()`);
    const days = Object.keys(shown).filter((k) => /^day:\d/.test(k));
    expect(days).toHaveLength(7);
    expect(byDay.body.totals.sent).toBeGreaterThan(0);
    for (const metric of METRICS) {
      for (const day of days) expect(shown[day]?.[metric], `${day} ${metric}`).toBe(String(byDay.body.rows.find((r) => `day:${r.day}` === day)?.[metric] ?? 0));
      expect(shown["day:total"]?.[metric], `total ${metric}`).toBe(String(byDay.body.totals[metric]));
      for (const row of byProvider.body.rows) expect(shown[`provider:${row.provider ?? ""}`]?.[metric], `${row.provider} ${metric}`).toBe(String(row[metric]));
      for (const row of byType.body.rows) expect(shown[`type:${row.eventType ?? ""}`]?.[metric], `${row.eventType} ${metric}`).toBe(String(row[metric]));
    }
    const latency = byDay.body.totals.latencyMs as { p50: number; p95: number };
    expect(shown["day:total"]?.p50).toBe(`${latency.p50} ms`);
    // Each chart is an image with a name and a description a screen reader reads.
    const charts = page.getByRole("img");
    expect(await charts.count()).toBe(13);
    expect(await page.getByRole("img", { name: "Sent per day" }).getAttribute("aria-labelledby")).toBe("chart-sent-title chart-sent-desc");
    await expectNoOverflow(page);
    await shoot(page, `dashboard-analytics-${viewport.width}`);

    await page.getByRole("link", { name: "Last 30 days" }).click();
    await page.waitForURL(`${base}/dashboard/analytics?days=30`);
    expect(await page.locator("tr[data-day]").count()).toBe(31);
  });

  it("takes a from–to range typed into the date fields and keeps it in the table", async () => {
    const page = await signIn(DESKTOP, admin);
    await page.goto(`${base}/dashboard/analytics`);
    await page.getByLabel("From (local date)").fill("2026-01-01");
    await page.getByLabel("To (included)").fill("2026-01-03");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(`${base}/dashboard/analytics?from=2026-01-01&to=2026-01-03`);
    expect(await page.locator("tr[data-day]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-day")))).toEqual(["2026-01-01", "2026-01-02", "2026-01-03", "total"]);
  });

  it.each(WIDTHS)("lets a viewer read every operations page at $width px with no form that changes anything, and answers forged posts 403", async (viewport) => {
    const page = await signIn(viewport, viewerKey);
    const keysBefore = await api<{ keys: unknown[] }>("GET", "/v1/api-keys", admin);
    for (const path of ["/dashboard/keys", "/dashboard/domains", "/dashboard/suppressions", "/dashboard/sending", "/dashboard/alerts"]) {
      await page.goto(`${base}${path}`);
      expect(await page.locator("main form[method=post]").count(), path).toBe(0);
    }
    // The only token a viewer's page carries is the sign-out form's; a forged post with it, or a made-up one, changes nothing.
    const csrf = (await page.locator("header form input[name=csrf]").getAttribute("value")) ?? "";
    for (const action of ["/dashboard/keys", "/dashboard/sending/resume", "/dashboard/domains", "/dashboard/suppressions/remove"]) {
      const res = await page.request.post(`${base}${action}`, {
        form: { csrf, name: "forged", role: "admin", domain: "forged.example.com", email: "x@example.com" },
        headers: { accept: "text/html" },
      });
      expect(res.status(), action).toBe(403);
    }
    expect((await api<{ keys: unknown[] }>("GET", "/v1/api-keys", admin)).body.keys).toHaveLength(keysBefore.body.keys.length);
  });

  it.each(WIDTHS)("fits each operations page into $width px, tables scrolling inside their regions, and screenshots it", async (viewport) => {
    const page = await signIn(viewport, admin);
    for (const [label, path, shot] of [
      ["API keys", "/dashboard/keys", "keys"],
      ["Domains", "/dashboard/domains", "domains"],
      ["Suppressions", "/dashboard/suppressions", "suppressions"],
      ["Sending", "/dashboard/sending", "sending"],
      ["Alerts", "/dashboard/alerts", "alerts"],
    ] as const) {
      await nav(page, label);
      await page.waitForURL(`${base}${path}`);
      expect(await page.locator("nav.tabs a[aria-current=page]").textContent()).toBe(label);
      await expectNoOverflow(page);
      await shoot(page, `dashboard-${shot}-${viewport.width}`);
    }
  });

  it("finds a suppressed address by search and removes it as an admin, after which the API no longer lists it", async () => {
    const email = `ops-${crypto.randomUUID().slice(0, 8)}@example.test`;
    expect((await api("POST", "/v1/suppressions", admin, { email, reason: "manual" })).status).toBe(201);
    const page = await open(PHONE, "/dashboard/login");
    await page.getByLabel("API key").fill(admin);
    await page.getByLabel("API key").press("Enter");
    await page.waitForURL(`${base}/dashboard`);
    await page.goto(`${base}/dashboard/suppressions`);
    await page.getByLabel("Address", { exact: true }).fill(email);
    await page.getByLabel("Address", { exact: true }).press("Enter");
    await page.waitForURL(`${base}/dashboard/suppressions?email=${encodeURIComponent(email)}`);
    await page.getByRole("button", { name: `Remove ${email}` }).click();
    await page.waitForURL(`${base}/dashboard/suppressions/remove`);
    expect(await page.getByRole("status").textContent()).toContain(`${email} is no longer suppressed`);
    const listed = await api<{ suppressions: unknown[] }>("GET", `/v1/suppressions?email=${encodeURIComponent(email)}`, admin);
    expect(listed.body.suppressions).toEqual([]);
    await expectNoOverflow(page);
  });
});

// Says why when there is no Chromium, rather than passing silently (CI requires it: .ci/run).
if (skip) console.warn(`[browser] the dashboard's operations pages in Chromium: SKIPPED, ${skip}`);
