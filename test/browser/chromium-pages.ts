import type { Browser, Page } from "playwright-core";
import { expect, inject } from "vitest";

export const SHOTS = "test-output/screenshots";
export const PHONE = { width: 375, height: 812 };
export const DESKTOP = { width: 1280, height: 900 };
export const WIDTHS = [PHONE, DESKTOP];
export type Viewport = typeof PHONE;

/** What a page did that a script-free, error-free dashboard never does. */
export type Watch = { consoleErrors: string[]; scriptRequests: string[] };

/** Opens pages in fresh contexts and records their console errors and script requests. */
export function pageOpener(browser: () => Browser) {
  const watches: Watch[] = [];
  const base = inject("serviceUrl");
  const open = async (viewport: Viewport, path: string): Promise<Page> => {
    const page = await (await browser().newContext({ viewport })).newPage();
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
  /** Every page opened since the last call: no console errors, no script fetched. */
  const expectQuiet = () => {
    const all = watches.splice(0);
    expect(all.flatMap((w) => w.consoleErrors)).toEqual([]);
    expect(all.flatMap((w) => w.scriptRequests)).toEqual([]);
  };
  /** Opens the sign-in page, types the key and submits it with Enter, as a keyboard user does. */
  const signIn = async (viewport: Viewport, apiKey: string): Promise<Page> => {
    const page = await open(viewport, "/dashboard");
    await page.waitForURL(`${base}/dashboard/login`);
    const field = page.getByLabel("API key");
    await field.pressSequentially(apiKey);
    await field.press("Enter");
    await page.waitForURL(`${base}/dashboard`);
    return page;
  };
  return { open, signIn, expectQuiet };
}

export const shoot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });

export async function expectNoOverflow(page: Page) {
  const { scrollWidth, clientWidth } = await page.evaluate<{ scrollWidth: number; clientWidth: number }>(
    "({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })",
  );
  expect(scrollWidth, `${page.url()} is ${scrollWidth} px wide in a ${clientWidth} px window`).toBeLessThanOrEqual(clientWidth);
}

/** The focused element: its tag and id, and whether it shows an outline. */
export const focused = (page: Page) =>
  page.evaluate<{ tag: string; id: string; outline: boolean }>(`(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return { tag: el.tagName, id: el.id, outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0 };
  })()`);

/** A call to the service's API with `key`: status and parsed body. */
export async function api<T>(method: string, path: string, key: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${inject("serviceUrl")}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}
