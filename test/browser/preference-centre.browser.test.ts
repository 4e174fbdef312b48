import { mkdir } from "node:fs/promises";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { capturedEmail, postComment, preferencesOf, settledStatus } from "./api";

const skip = inject("browserSkipReason");
const SHOTS = "test-output/screenshots";
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1280, height: 900 };

describe.skipIf(Boolean(skip))("recipients' pages in Chromium, from a real email", () => {
  const recipient = { id: `browser-${crypto.randomUUID().slice(0, 8)}`, email: `browser-${crypto.randomUUID().slice(0, 8)}@example.test` };
  let browser: Browser;
  let email: Awaited<ReturnType<typeof capturedEmail>>;
  const open = async (viewport: typeof PHONE, url: string): Promise<Page> => {
    const page = await (await browser.newContext({ viewport })).newPage();
    await page.goto(url);
    return page;
  };
  const shoot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
  const preferencesLink = () => {
    const link = /href="(http:\/\/127\.0\.0\.1:\d+\/p\/[\w.-]+)"/.exec(email.html)?.[1];
    if (!link) throw new Error("the email has no preferences link: src/delivery/deliver.ts must pass recipientLinks' links to the renderer");
    return link;
  };

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: inject("chromiumPath"), args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
    expect(await settledStatus(await postComment(recipient))).toBe("sent");
    email = await capturedEmail(recipient.email);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("carries a preferences link in the footer and both RFC 8058 headers", () => {
    expect(email.html, "deliver.ts must pass recipientLinks' links to the renderer").toMatch(/href="http:\/\/127\.0\.0\.1:\d+\/p\/[\w.-]+"/);
    expect(email.headers["List-Unsubscribe"], "deliver.ts must send recipientLinks' headers").toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/u\/[\w.-]+>$/);
    expect(email.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
  });

  it("opens the preference centre from the email, switches a category to a daily digest without script, and confirms it", async () => {
    const page = await open(PHONE, preferencesLink());
    await expect.poll(() => page.title()).toBe("Email preferences · Demo Co");
    // Usable at 375 px: nothing wider than the screen.
    expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(PHONE.width);
    await shoot(page, "preference-centre-375");

    const comments = page.getByRole("group", { name: "Comments on your tasks" });
    await comments.getByLabel("Bundled in a digest").check();
    await comments.getByLabel("Digest frequency").selectOption("daily");
    await page.getByRole("button", { name: "Save preferences" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Preferences saved");
    expect(await page.locator("ul.changes").textContent()).toBe("Comments on your tasks: bundled in a digest (daily at 09:00)");
    await shoot(page, "preferences-saved-375");

    const comment = (await preferencesOf(recipient.id)).categories.find((c) => c.category === "comments");
    expect(comment).toMatchObject({ enabled: true, delivery: "digest", digest: { kind: "daily" } });
  });

  it("is keyboard-operable with a visible focus ring, in DOM order, at desktop width", async () => {
    const page = await open(DESKTOP, preferencesLink());
    await shoot(page, "preference-centre-1280");
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press("Tab");
      order.push(await page.evaluate<string>("document.activeElement?.id ?? ''"));
    }
    // The first category's checkbox, its checked delivery radio (one stop per radio group), its frequency, then the next category's checkbox.
    // Which category comes first depends on the organisation's event types (other browser files add some), so it is read, not assumed.
    const first = (order[0] ?? "").replace(/^enabled-/, "");
    expect(order[0]).toMatch(/^enabled-./);
    expect(order[1]).toMatch(new RegExp(`^(immediate|digest)-${first}$`));
    expect(order[2]).toBe(`frequency-${first}`);
    expect(order[3]).toMatch(/^enabled-/);
    expect(order[3]).not.toBe(order[0]);
    expect(await page.evaluate<string>("getComputedStyle(document.activeElement).outlineStyle")).toBe("solid");

    // Another category through the keyboard and the form: projects to a weekly digest.
    const projects = page.getByRole("group", { name: "Projects" });
    await projects.getByLabel("Bundled in a digest").check();
    await projects.getByLabel("Digest frequency").selectOption("weekly");
    await page.getByRole("button", { name: "Save preferences" }).press("Enter");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Preferences saved");
    expect(await page.locator("ul.changes").textContent()).toBe("Projects: bundled in a digest (weekly on Monday at 09:00)");
    await shoot(page, "preferences-saved-1280");
  });

  it("batches the next event of the category switched to a digest (needs the Decide step wired into delivery)", async () => {
    expect(await settledStatus(await postComment(recipient, "Ship v2"))).toBe("batched");
  });

  it("shows a confirmation page for the email's List-Unsubscribe URL without unsubscribing, and its button unsubscribes", async () => {
    const url = /^<([^>]+)>/.exec(email.headers["List-Unsubscribe"] ?? "")?.[1];
    if (!url) throw new Error("the email has no List-Unsubscribe header: src/delivery/deliver.ts must send recipientLinks' headers");
    const desktop = await open(DESKTOP, url);
    await shoot(desktop, "unsubscribe-1280");
    const page = await open(PHONE, url);
    await shoot(page, "unsubscribe-375");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Unsubscribe");
    expect((await preferencesOf(recipient.id)).categories.find((c) => c.category === "comments")?.enabled).toBe(true);

    await page.getByRole("button", { name: "Unsubscribe" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("You are unsubscribed");
    expect(await page.getByText("You will no longer get emails about Comments on your tasks from Demo Co.").count()).toBe(1);
    expect(page.url()).toBe(url);
    await shoot(page, "unsubscribed-375");
    const after = await preferencesOf(recipient.id);
    expect(after.categories.find((c) => c.category === "comments")?.enabled).toBe(false);
    expect(after.unsubscribedAll).toBe(false);
  });
});

// Says why when there is no Chromium, rather than passing silently (CI requires it: .ci/run).
if (skip) console.warn(`[browser] recipients' pages in Chromium: SKIPPED, ${skip}`);
