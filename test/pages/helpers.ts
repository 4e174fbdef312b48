import { SELF } from "cloudflare:test";
import { asc, eq } from "drizzle-orm";
import { auditLog, preferences, recipients } from "../../src/db/schema";
import { loadTokenKeys } from "../../src/recipient-pages/keys";
import { importTokenKeys, signRecipientToken } from "../../src/tokens/recipient-token";
import { createOrganization, testEnv } from "../fixtures/organization";
import { createRecipient } from "../fixtures/preferences";
import { withDb } from "../fixtures/database";

/** A fresh organisation (a `comments` category and a critical `security` one) and a recipient of it. */
export async function pageSubject(options: { locale?: string } = {}) {
  const organization = await createOrganization();
  const recipient = await createRecipient(organization.organizationId);
  if (options.locale) await withDb((db) => db.update(recipients).set({ locale: options.locale }).where(eq(recipients.id, recipient.id)));
  const sign = (category?: string) => signWith(undefined, { organizationId: organization.organizationId, recipientId: recipient.id, ...(category ? { category } : {}) });
  return { organization, recipient, sign };
}

/** Signs with the Worker's keys, or with `spec` (a key the Worker does not hold, say). */
export async function signWith(spec: string | undefined, claims: { organizationId: string; recipientId: string; category?: string }) {
  const keys = spec ? await importTokenKeys(spec) : await loadTokenKeys(testEnv()).then((k) => (k.ok ? k.value : Promise.reject(new Error(k.error))));
  return signRecipientToken(keys, claims);
}

export const randomKeySpec = (id: string) => `${id}:${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`;

export type PageResponse = { status: number; headers: Headers; text: string };

export async function fetchPage(path: string, init: RequestInit = {}): Promise<PageResponse> {
  const res = await SELF.fetch(`https://tidings.test${path}`, { redirect: "manual", ...init });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** POSTs a form the way a browser or a mailbox provider does, in either encoding. */
export function postForm(path: string, fields: [string, string][], encoding: "urlencoded" | "multipart" = "urlencoded"): Promise<PageResponse> {
  if (encoding === "urlencoded") {
    return fetchPage(path, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() });
  }
  const body = new FormData();
  for (const [k, v] of fields) body.append(k, v);
  return fetchPage(path, { method: "POST", body });
}

export const ONE_CLICK: [string, string][] = [["List-Unsubscribe", "One-Click"]];

/** What the database holds about the recipient's mail: the global unsubscribe, choices, audit rows. */
export async function recipientState(recipientId: string) {
  return withDb(async (db) => {
    const [row] = await db.select({ unsubscribedAt: recipients.unsubscribedAt }).from(recipients).where(eq(recipients.id, recipientId));
    const choices = await db.select({ category: preferences.category, enabled: preferences.enabled, delivery: preferences.delivery, digest: preferences.digest }).from(preferences).where(eq(preferences.recipientId, recipientId)).orderBy(asc(preferences.category));
    const audit = await db.select().from(auditLog).where(eq(auditLog.targetId, recipientId)).orderBy(asc(auditLog.createdAt));
    return { unsubscribedAt: row?.unsubscribedAt ?? null, choices, audit };
  });
}

/** The CSRF token and field names the preference centre rendered. */
export function formOf(html: string) {
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!csrf) throw new Error(`no csrf field in:\n${html}`);
  return { csrf, categories: [...html.matchAll(/name="categories" value="([^"]+)"/g)].map((m) => m[1] ?? "") };
}

/** Replaces the organisation's branding (the admin API's PATCH strips keys it does not know yet). */
export async function setBranding(organizationId: string, branding: Record<string, unknown>) {
  const { organizations } = await import("../../src/db/schema");
  await withDb((db) => db.update(organizations).set({ branding }).where(eq(organizations.id, organizationId)));
}
