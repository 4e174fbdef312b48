import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { recipients } from "../../src/platform/db/schema";
import { decideNotifications } from "../../src/decide/decide";
import { createPreferenceCache } from "../../src/decide/preferences/cache";
import { loadPreferences } from "../../src/decide/preferences/load";
import { claim, setDefault, storeNotifications } from "../fixtures/preferences";
import { withServices } from "../fixtures/services";
import { fetchPage, formOf, pageSubject, postForm, recipientState, setBranding } from "../fixtures/recipient-pages";

const field = (pairs: Record<string, string>) => Object.entries(pairs) as [string, string][];

const textOnlyBox = (html: string) => /<input [^>]*id="text-only"[^>]*>/.exec(html)?.[0];
const storedTextOnly = (recipientId: string) =>
  withServices(async ({ db }) => (await db.select({ textOnly: recipients.textOnly }).from(recipients).where(eq(recipients.id, recipientId)))[0]?.textOnly);

describe("GET /p/:token, the preference centre", () => {
  it("lists the organisation's non-critical categories with labelled controls in fieldsets, in its branding", async () => {
    const { organization, sign } = await pageSubject();
    await setBranding(organization.organizationId, { primaryColor: "#7c3aed", logoUrl: "https://cdn.acme.test/logo.png" });
    const res = await fetchPage(`/p/${await sign()}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain("<legend>Comments</legend>");
    expect(res.text).not.toContain("<legend>Security</legend>");
    expect(res.text).toContain('<img src="https://cdn.acme.test/logo.png" alt="Acme"/>');
    expect(res.text).toContain("#7c3aed");
    // Every control has a label pointing at it.
    const ids = [...res.text.matchAll(/<(?:input|select) [^>]*id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(3);
    for (const id of ids) expect(res.text, id).toContain(`for="${id}"`);
    expect(res.text).toContain('name="unsubscribeAll"');
  });

  it("shows a locked category as not changeable and posts nothing for it", async () => {
    const { organization, sign } = await pageSubject();
    await setDefault(organization.organizationId, "comments", { locked: true, delivery: "digest", digest: { kind: "daily", hour: 8 } });
    const res = await fetchPage(`/p/${await sign()}`);
    expect(res.text).toContain("Set by Acme; it cannot be changed here.");
    expect(res.text).toContain("Always sent · Bundled in a digest (daily at 08:00)");
    expect(res.text).not.toContain('name="enabled:comments"');
  });

  it("offers plain-text email as a labelled checkbox in its own fieldset, in German for a German recipient", async () => {
    const { sign } = await pageSubject({ locale: "de" });
    const res = await fetchPage(`/p/${await sign()}`);
    expect(textOnlyBox(res.text)).toMatch(/type="checkbox"/);
    expect(textOnlyBox(res.text)).not.toMatch(/checked/);
    expect(res.text).toMatch(
      /<fieldset><legend>Format<\/legend><input type="hidden" name="formatShown" value="on"\/><div class="option"><input [^>]*id="text-only"[^>]*\/><label for="text-only">Nur reine Text-E-Mails senden<\/label>/,
    );
  });

  it("speaks the recipient's language, with the organisation's own strings winning", async () => {
    const { organization, sign } = await pageSubject({ locale: "de-AT" });
    await setBranding(organization.organizationId, { pageStrings: { de: { preferencesTitle: "Ihre Benachrichtigungen", categories: { comments: "Kommentare" } } } });
    const res = await fetchPage(`/p/${await sign()}`);
    expect(res.text).toContain('<html lang="de">');
    expect(res.text).toContain("<h1>Ihre Benachrichtigungen</h1>");
    expect(res.text).toContain("<legend>Kommentare</legend>");
    expect(res.text).toContain("Einstellungen speichern");
  });
});

describe("POST /p/:token, saving without JavaScript", () => {
  it("switches a category to a daily digest, confirms it, audits it, and the next decision batches that category's mail", async () => {
    const { organization, recipient, sign } = await pageSubject();
    const ref = { organizationId: organization.organizationId, recipientId: recipient.id };
    // Prime the preference cache with the old state: the save must invalidate it.
    await withServices((s) => loadPreferences(s.db, createPreferenceCache(s.env), [ref]));
    const token = await sign();
    const { csrf } = formOf((await fetchPage(`/p/${token}`)).text);
    const res = await postForm(`/p/${token}`, field({ csrf, categories: "comments", "enabled:comments": "on", "delivery:comments": "digest", "frequency:comments": "daily" }));
    expect(res.status, res.text).toBe(200);
    expect(res.text).toContain("Preferences saved");
    expect(res.text).toContain("Comments: bundled in a digest (daily at 09:00)");
    const state = await recipientState(recipient.id);
    expect(state.choices).toEqual([{ category: "comments", enabled: null, delivery: "digest", digest: { kind: "daily", hour: 9 } }]);
    expect(state.audit[0]).toMatchObject({ actorType: "recipient", actorId: recipient.id, action: "recipient.preferences_update", via: "preference-centre" });

    const [id] = await storeNotifications(organization.organizationId, recipient.id, 1);
    const decision = await withServices(async (s) => (await decideNotifications(s, await claim(s, [id ?? ""]))).get(id ?? ""));
    expect(decision).toMatchObject({ action: "batch", rule: "recipient_digest" });
  });

  it("writes nothing when the form is saved untouched, so the recipient keeps following the organisation's defaults", async () => {
    const { recipient, sign } = await pageSubject();
    const token = await sign();
    const page = formOf((await fetchPage(`/p/${token}`)).text);
    const res = await postForm(
      `/p/${token}`,
      field({ csrf: page.csrf, categories: "comments", "enabled:comments": "on", "delivery:comments": "immediate", "frequency:comments": "hourly" }),
    );
    expect(res.text).toContain("Nothing changed.");
    expect(await recipientState(recipient.id)).toMatchObject({ choices: [], audit: [] });
  });

  it("unsubscribes from everything non-critical, and resubscribes", async () => {
    const { recipient, sign } = await pageSubject();
    const token = await sign();
    const { csrf } = formOf((await fetchPage(`/p/${token}`)).text);
    const base = { csrf, categories: "comments", "enabled:comments": "on", "delivery:comments": "immediate" };
    expect((await postForm(`/p/${token}`, field({ ...base, unsubscribeAll: "on" }))).text).toContain("All non-critical emails: unsubscribed");
    expect((await recipientState(recipient.id)).unsubscribedAt).toBeInstanceOf(Date);
    expect((await postForm(`/p/${token}`, field(base))).text).toContain("All non-critical emails: subscribed again");
    expect((await recipientState(recipient.id)).unsubscribedAt).toBeNull();
  });

  it("switches to plain-text email when the box is checked, shows it checked, audits it, and switches back when unchecked", async () => {
    const { recipient, sign } = await pageSubject();
    const token = await sign();
    const { csrf } = formOf((await fetchPage(`/p/${token}`)).text);
    const base = { csrf, categories: "comments", formatShown: "on", "enabled:comments": "on", "delivery:comments": "immediate", "frequency:comments": "hourly" };

    const checked = await postForm(`/p/${token}`, field({ ...base, textOnly: "on" }));
    expect(checked.status, checked.text).toBe(200);
    expect(checked.text).toContain("Plain-text emails only: on");
    expect(await storedTextOnly(recipient.id)).toBe(true);
    expect((await recipientState(recipient.id)).audit).toMatchObject([
      {
        actorType: "recipient",
        action: "recipient.preferences_update",
        via: "preference-centre",
        details: { changes: [{ kind: "textOnly", textOnly: true, text: "Plain-text emails only: on" }] },
      },
    ]);
    expect(textOnlyBox((await fetchPage(`/p/${token}`)).text)).toMatch(/checked/);

    // A page opened before the checkbox existed posts no formatShown: saving it leaves the format alone.
    const { formatShown: _, ...olderPage } = base;
    expect((await postForm(`/p/${token}`, field(olderPage))).status).toBe(200);
    expect(await storedTextOnly(recipient.id)).toBe(true);

    const unchecked = await postForm(`/p/${token}`, field(base));
    expect(unchecked.text).toContain("Plain-text emails only: off");
    expect(await storedTextOnly(recipient.id)).toBe(false);
    expect(textOnlyBox((await fetchPage(`/p/${token}`)).text)).not.toMatch(/checked/);
    expect((await recipientState(recipient.id)).choices).toEqual([]);
  });

  it("ignores fields for a locked category even when a forged form posts them", async () => {
    const { organization, recipient, sign } = await pageSubject();
    await setDefault(organization.organizationId, "comments", { locked: true });
    const token = await sign();
    const { csrf } = formOf((await fetchPage(`/p/${token}`)).text);
    const res = await postForm(`/p/${token}`, field({ csrf, categories: "comments", "delivery:comments": "digest" }));
    expect(res.text).toContain("Nothing changed.");
    expect((await recipientState(recipient.id)).choices).toEqual([]);
  });

  it("accepts the form as multipart/form-data too", async () => {
    const { recipient, sign } = await pageSubject();
    const token = await sign();
    const { csrf } = formOf((await fetchPage(`/p/${token}`)).text);
    const res = await postForm(`/p/${token}`, field({ csrf, categories: "comments" }), "multipart");
    expect(res.text).toContain("Comments: off");
    expect((await recipientState(recipient.id)).choices[0]).toMatchObject({ category: "comments", enabled: false });
  });
});

describe("the preference form's CSRF token", () => {
  it.each([
    ["missing", async () => undefined],
    ["from another recipient's page", async () => formOf((await fetchPage(`/p/${await (await pageSubject()).sign()}`)).text).csrf],
    // The MAC's first character: the last one's low bits are padding that base64 decoding ignores.
    ["altered", async (own: string) => own.replace(/\.(\d+)\.(.)/, (_, b: string, ch: string) => `.${b}.${ch === "A" ? "B" : "A"}`)],
    ["from a bucket far in the future", async (own: string) => own.replace(/\.(\d+)\./, (_, b: string) => `.${Number(b) + 5}.`)],
  ])("is refused when %s: 403, a page saying nothing changed, and nothing changes", async (_label, make) => {
    const { recipient, sign } = await pageSubject();
    const token = await sign();
    const own = formOf((await fetchPage(`/p/${token}`)).text).csrf;
    const csrf = await make(own);
    const res = await postForm(`/p/${token}`, field({ ...(csrf ? { csrf } : {}), categories: "comments", "delivery:comments": "digest" }));
    expect(res.status).toBe(403);
    expect(res.text).toContain("This page has expired");
    expect(await recipientState(recipient.id)).toMatchObject({ choices: [], audit: [] });
  });

  it("is bound to the page token: a token for the same recipient with a category gets a different one", async () => {
    const { sign } = await pageSubject();
    const plain = formOf((await fetchPage(`/p/${await sign()}`)).text).csrf;
    const other = formOf((await fetchPage(`/p/${await sign("comments")}`)).text).csrf;
    expect(plain).not.toBe(other);
  });
});
