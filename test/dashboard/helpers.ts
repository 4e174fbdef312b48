import { SELF } from "cloudflare:test";
import { eq } from "drizzle-orm";
import type { ApiKeyRole } from "../../src/auth/api-key";
import { signSessionToken } from "../../src/dashboard/session-token";
import { openDatabase } from "../../src/db/client";
import { apiKeys } from "../../src/db/schema";
import { loadTokenKeys } from "../../src/recipient-pages/keys";
import type { TokenKeys } from "../../src/tokens/recipient-token";
import { apiKeyId } from "../fixtures/audit";
import { createOrganization, testEnv, type TestOrganization } from "../fixtures/organization";

/** `npm run dev` and the tests serve plain http on 127.0.0.1; https is the deployed case. */
export const DEV_ORIGIN = "http://127.0.0.1:8787";

export type DashboardResponse = { status: number; headers: Headers; text: string; cookies: string[] };

/** A request as a browser sends it: the given cookies, no redirects followed. */
export async function fetchDashboard(path: string, options: { cookie?: string; method?: string; form?: [string, string][]; origin?: string } = {}): Promise<DashboardResponse> {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  let body: string | undefined;
  if (options.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(options.form).toString();
  }
  const res = await SELF.fetch(`${options.origin ?? DEV_ORIGIN}${path}`, { method: options.method ?? (body === undefined ? "GET" : "POST"), headers, redirect: "manual", ...(body !== undefined ? { body } : {}) });
  return { status: res.status, headers: res.headers, text: await res.text(), cookies: res.headers.getAll("set-cookie") };
}

/** The Set-Cookie line for `name`, if the response set or cleared it. */
export const setCookieFor = (res: DashboardResponse, name: string) => res.cookies.find((c) => c.startsWith(`${name}=`));

/** The value a Set-Cookie line gives its cookie. */
export const cookieValue = (line: string | undefined) => (line ? decodeURIComponent(line.split(";")[0]?.split("=").slice(1).join("=") ?? "") : undefined);

export const csrfOf = (html: string) => {
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!csrf) throw new Error(`no csrf field in:\n${html}`);
  return csrf;
};

/** Opens the sign-in page and posts `apiKey` with its CSRF token and login cookie, as a browser does. */
export async function signIn(apiKey: string, origin = DEV_ORIGIN) {
  const form = await fetchDashboard("/dashboard/login", { origin });
  const loginCookie = setCookieFor(form, "tidings_dashboard_login")?.split(";")[0] ?? "";
  const res = await fetchDashboard("/dashboard/login", { origin, cookie: loginCookie, form: [["csrf", csrfOf(form.text)], ["apiKey", apiKey]] });
  const session = cookieValue(setCookieFor(res, "tidings_dashboard"));
  return { res, session, cookie: session ? `tidings_dashboard=${session}` : undefined };
}

export async function workerKeys(): Promise<TokenKeys> {
  const keys = await loadTokenKeys(testEnv());
  if (!keys.ok) throw new Error(keys.error);
  return keys.value;
}

/**
 * A session cookie for `key`, minted the way sign-in mints it but at a chosen time, so tests can
 * hold an expired one without waiting twelve hours.
 */
export async function sessionCookieFor(organization: TestOrganization, key: string, role: ApiKeyRole, now = Date.now()): Promise<string> {
  const token = await signSessionToken(await workerKeys(), { apiKeyId: await apiKeyId(key), organizationId: organization.organizationId, role }, now);
  return `tidings_dashboard=${token}`;
}

/** An organisation and a signed-in viewer of it. */
export async function signedInOrganization(name = "Acme") {
  const organization = await createOrganization(name);
  const key = await organization.keyFor("viewer");
  return { organization, key, cookie: await sessionCookieFor(organization, key, "viewer") };
}

export async function revokeKey(key: string) {
  const id = await apiKeyId(key);
  const { db, close } = openDatabase(testEnv());
  try {
    await db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, id));
  } finally {
    await close();
  }
}

/** The text of a page's table rows, tags stripped, one string per row: what a person reads. */
export const rowsOf = (html: string) => [...html.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => (m[1] ?? "").replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim());
