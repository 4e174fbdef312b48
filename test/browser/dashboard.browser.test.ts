import { mkdir } from "node:fs/promises";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { postComment, settledStatus } from "./api";

const skip = inject("browserSkipReason");
const SHOTS = "test-output/screenshots";
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 900 };
const WIDTHS = [PHONE, DESKTOP];

type Viewport = typeof PHONE;
/** What a page did that a script-free, error-free dashboard never does. */
type Watch = { consoleErrors: string[]; scriptRequests: string[] };
type FocusStop = { name: string; outline: string; boxShadow: string; onScreen: boolean };

describe.skipIf(Boolean(skip))("the operators' dashboard in Chromium", () => {
  const base = inject("serviceUrl");
  const recipient = { id: `dash-${crypto.randomUUID().slice(0, 8)}`, email: `dash-${crypto.randomUUID().slice(0, 8)}@example.test` };
  let notificationId: string;
  let browser: Browser;
  let watches: Watch[] = [];

  const open = async (viewport: Viewport, path: string): Promise<Page> => {
    const page = await (await browser.newContext({ viewport })).newPage();
    const watch: Watch = { consoleErrors: [], scriptRequests: [] };
    watches.push(watch);
    page.on("console", (m) => {
      if (m.type() === "error") watch.consoleErrors.push(`${page.url()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => watch.consoleErrors.push(`${page.url()}: ${e.message}`));
    page.on("request", (r) => {
      if (r.resourceType() === "script") watch.scriptRequests.push(r.url());
    });
    await page.goto(`${base}${path}`);
    return page;
  };
  const shoot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
  const h1 = (page: Page) => page.getByRole("heading", { level: 1 }).textContent();
  const overflow = (page: Page) =>
    page.evaluate<{ scrollWidth: number; clientWidth: number }>("({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })");
  const expectNoOverflow = async (page: Page) => {
    const { scrollWidth, clientWidth } = await overflow(page);
    expect(scrollWidth, `${page.url()} is ${scrollWidth} px wide in a ${clientWidth} px window`).toBeLessThanOrEqual(clientWidth);
  };

  /** Opens the sign-in page, types the key and submits it with Enter, as a keyboard user does. */
  const signIn = async (viewport: Viewport): Promise<Page> => {
    const page = await open(viewport, "/dashboard");
    await page.waitForURL(`${base}/dashboard/login`);
    const field = page.getByLabel("API key");
    await field.pressSequentially(inject("apiKey"));
    await field.press("Enter");
    await page.waitForURL(`${base}/dashboard`);
    return page;
  };

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: inject("chromiumPath"), args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
    notificationId = await postComment(recipient, "Dashboard check");
    expect(await settledStatus(notificationId)).toBe("sent");
  });
  afterEach(async () => {
    // Every page any test opened: no console errors, no script fetched.
    const all = watches;
    watches = [];
    expect(all.flatMap((w) => w.consoleErrors)).toEqual([]);
    expect(all.flatMap((w) => w.scriptRequests)).toEqual([]);
    for (const context of browser?.contexts() ?? []) await context.close();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each(WIDTHS)("signs in at $width px with the key typed and submitted with Enter, landing on the overview with its landmarks and headings", async (viewport) => {
    const page = await signIn(viewport);
    expect(await page.title()).toBe("Overview · Demo Co · Tidings");
    expect(await h1(page)).toBe("Overview");
    const h2s = await page.getByRole("heading", { level: 2 }).allTextContents();
    expect(h2s).toEqual(["Sending", "Last 7 days", "Providers"]);
    expect(await page.getByRole("banner").count()).toBe(1);
    expect(await page.getByRole("main").count()).toBe(1);
    expect(await page.getByRole("contentinfo").count()).toBe(1);
    const nav = page.getByRole("navigation", { name: "Dashboard" });
    expect(await nav.getByRole("link").allTextContents()).toEqual([
      "Overview",
      "Recipients",
      "Audit log",
      "Suppressions",
      "Templates",
      "Event types",
      "Analytics",
      "Sending",
      "Alerts",
      "API keys",
      "Domains",
    ]);
    expect(await nav.getByRole("link", { name: "Overview" }).getAttribute("aria-current")).toBe("page");
    expect(await page.getByRole("banner").textContent()).toMatch(/Signed in with an? admin key/);
    // Each table sits in a named region of its own.
    for (const name of ["Sending", "Last 7 days", "Providers"]) {
      expect(await page.getByRole("region", { name }).and(page.locator("div.table-wrap")).locator("table").count(), name).toBe(1);
    }
    await shoot(page, `dashboard-overview-${viewport.width}`);
  });

  it.each(WIDTHS)("follows each nav link at $width px to its page, marked as the current one", async (viewport) => {
    const page = await signIn(viewport);
    const nav = page.getByRole("navigation", { name: "Dashboard" });
    for (const [label, path] of [
      ["Recipients", "/dashboard/recipients"],
      ["Audit log", "/dashboard/audit"],
      ["Suppressions", "/dashboard/suppressions"],
      ["Overview", "/dashboard"],
    ] as const) {
      await nav.getByRole("link", { name: label }).click();
      await page.waitForURL(`${base}${path}`);
      expect(await h1(page)).toBe(label);
      expect(await nav.locator("a[aria-current=page]").allTextContents()).toEqual([label]);
    }
  });

  it.each(WIDTHS)("finds at $width px, from Recipients, a recipient's notification created through the API and opens its detail page", async (viewport) => {
    const page = await signIn(viewport);
    await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: "Recipients" }).click();
    await page.waitForURL(`${base}/dashboard/recipients`);
    const search = page.getByRole("search").getByLabel("Recipient id");
    await search.pressSequentially(recipient.id);
    await search.press("Enter");
    await page.waitForURL(`${base}/dashboard/recipients?id=${recipient.id}`);
    expect(await page.getByRole("heading", { level: 2, name: `Notifications of ${recipient.id}` }).count()).toBe(1);
    const rows = page
      .getByRole("region", { name: `Notifications of ${recipient.id}` })
      .and(page.locator("div.table-wrap"))
      .locator("tbody tr");
    expect(await rows.count()).toBe(1);
    expect(await rows.first().locator("td").allTextContents()).toEqual(expect.arrayContaining(["comment.created", "sent", "capture"]));

    await rows.first().getByRole("link").click();
    await page.waitForURL(`${base}/dashboard/notifications/${notificationId}`);
    expect(await h1(page)).toBe("Notification");
    expect(await page.getByRole("heading", { level: 2 }).first().textContent()).toBe(notificationId);
    expect(await page.locator("dl.facts dt:text-is('Status') + dd").textContent()).toBe("sent");
    expect(await page.locator("dl.facts dt:text-is('Recipient') + dd").textContent()).toBe(recipient.id);
    if (viewport === DESKTOP) await shoot(page, "dashboard-notification-1280");
  });

  it("fits every page into a 375 px screen, wide tables scrolling inside their own regions", async () => {
    const login = await open(PHONE, "/dashboard/login");
    await expectNoOverflow(login);
    const page = await signIn(PHONE);
    for (const path of ["/dashboard", `/dashboard/recipients?id=${recipient.id}`, `/dashboard/notifications/${notificationId}`, "/dashboard/audit", "/dashboard/suppressions"]) {
      await page.goto(`${base}${path}`);
      expect(await h1(page)).toBeTruthy();
      await expectNoOverflow(page);
    }
    // The overview's seven-day table is wider than the phone: it scrolls in its region instead of the page.
    await page.goto(`${base}/dashboard`);
    const { scrollWidth, clientWidth, overflowX } = await page.evaluate<{ scrollWidth: number; clientWidth: number; overflowX: string }>(`(() => {
      const region = document.querySelector('.table-wrap[role=region][aria-labelledby="days-title"]');
      return { scrollWidth: region.scrollWidth, clientWidth: region.clientWidth, overflowX: getComputedStyle(region).overflowX };
    })()`);
    expect(scrollWidth).toBeGreaterThan(clientWidth);
    expect(overflowX).toBe("auto");
  });

  it.each(WIDTHS)("reaches the skip link, sign-out button and nav links at $width px with Tab from the top, each with a visible focus style", async (viewport) => {
    const page = await signIn(viewport);
    const stops: FocusStop[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press("Tab");
      // Marks the element, to read its style again once it has lost focus.
      stops.push(
        await page.evaluate<FocusStop>(`(() => {
        const el = document.activeElement;
        el.setAttribute("data-focus-stop", "${i}");
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0 ? style.outlineStyle + " " + style.outlineWidth : "none";
        return { name: el.textContent.trim(), outline, boxShadow: style.boxShadow, onScreen: box.width > 0 && box.right > 0 && box.left < window.innerWidth };
      })()`),
      );
    }
    expect(stops.map((s) => s.name)).toEqual(["Skip to content", "Sign out", "Overview", "Recipients", "Audit log", "Suppressions"]);
    await page.evaluate("document.activeElement.blur()");
    for (const [i, stop] of stops.entries()) {
      // Visible focus: an outline, or a box shadow the element does not have unfocused.
      const unfocusedShadow = await page.evaluate<string>(`getComputedStyle(document.querySelector('[data-focus-stop="${i}"]')).boxShadow`);
      const visible = stop.outline !== "none" || (stop.boxShadow !== "none" && stop.boxShadow !== unfocusedShadow);
      expect(visible, `${stop.name} has no visible focus style (outline ${stop.outline}, box-shadow ${stop.boxShadow})`).toBe(true);
      // The skip link is off screen until focused; focused, it must show.
      expect(stop.onScreen, `${stop.name} is focused off screen`).toBe(true);
    }
    expect(await page.evaluate<number>(`document.querySelector("a.skip").getBoundingClientRect().right`)).toBeLessThanOrEqual(0);

    // From a fresh page, the skip link takes the next Tab into the main content, past the header and nav.
    await page.reload();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    expect(await page.evaluate<boolean>(`document.activeElement.closest("main") !== null`)).toBe(true);
  });

  it("signs out from the keyboard, after which /dashboard sends the browser to the sign-in page", async () => {
    const page = await signIn(DESKTOP);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    expect(await page.evaluate<string>(`document.activeElement.tagName + " " + document.activeElement.textContent.trim()`)).toBe("BUTTON Sign out");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${base}/dashboard/login`);
    expect(await h1(page)).toBe("Sign in to the dashboard");
    expect((await page.context().cookies()).map((c) => c.name)).not.toContain("tidings_dashboard");

    await page.goto(`${base}/dashboard`);
    expect(page.url()).toBe(`${base}/dashboard/login`);
    expect(await h1(page)).toBe("Sign in to the dashboard");
    await page.goto(`${base}/dashboard/notifications/${notificationId}`);
    expect(page.url()).toBe(`${base}/dashboard/login`);
  });

  it("runs no script: no page has a script element", async () => {
    const page = await signIn(DESKTOP);
    for (const path of ["/dashboard", `/dashboard/recipients?id=${recipient.id}`, `/dashboard/notifications/${notificationId}`, "/dashboard/audit", "/dashboard/suppressions"]) {
      await page.goto(`${base}${path}`);
      expect(await page.evaluate<number>("document.scripts.length"), path).toBe(0);
    }
  });
});

// Says why when there is no Chromium, rather than passing silently (CI requires it: .ci/run).
if (skip) console.warn(`[browser] the operators' dashboard in Chromium: SKIPPED, ${skip}`);
