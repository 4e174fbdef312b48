import fc from "fast-check";
import type { ApiKeyRole } from "../../src/platform/auth/api-key";
import { createCsrfToken } from "../../src/platform/http/csrf";
import { loginBinding, logoutBinding } from "../../src/operators/dashboard/routes/session";
import { signSessionToken } from "../../src/operators/dashboard/session-token";
import { apiKeyId } from "../fixtures/audit";
import { workerKeys } from "../fixtures/dashboard";
import { acceptHeader, encodeComponent, type HostileRequest, nonJsonBody, query, urlText } from "./request";
import { headerValue, hostileString } from "./values";

/** The session cookie a request carries: a real one for some role, one that went wrong, or none. */
type SessionPlan =
  | { kind: "genuine"; role: "viewer" | "editor" | "admin" }
  | { kind: "ingest-role" }
  | { kind: "expired" }
  | { kind: "cut"; at: number }
  | { kind: "altered"; at: number }
  | { kind: "text"; text: string }
  | { kind: "absent" };

const sessionPlan: fc.Arbitrary<SessionPlan> = fc.oneof(
  { arbitrary: fc.constantFrom("viewer", "editor", "admin").map((role) => ({ kind: "genuine" as const, role })), weight: 5 },
  { arbitrary: fc.constant({ kind: "ingest-role" as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: "expired" as const }), weight: 1 },
  { arbitrary: fc.nat().map((at) => ({ kind: "cut" as const, at })), weight: 1 },
  { arbitrary: fc.nat().map((at) => ({ kind: "altered" as const, at })), weight: 1 },
  { arbitrary: headerValue.map((text) => ({ kind: "text" as const, text })), weight: 2 },
  { arbitrary: fc.constant({ kind: "absent" as const }), weight: 1 },
);

/** The sign-in form's fields: a key that works, one that does not, or hostile text; CSRF right or wrong. */
type LoginPlan = {
  apiKey: { kind: "role"; role: ApiKeyRole } | { kind: "text"; text: string } | { kind: "absent" };
  nonce: "genuine" | "absent" | "other";
  csrf: "genuine" | "forged" | "absent" | "other-nonce";
  extra: [string, string][];
};

const loginPlan: fc.Arbitrary<LoginPlan> = fc.record({
  apiKey: fc.oneof(
    fc.constantFrom<ApiKeyRole>("ingest", "viewer", "editor", "admin").map((role) => ({ kind: "role" as const, role })),
    hostileString.map((text) => ({ kind: "text" as const, text: text.slice(0, 5_000) })),
    fc.constant({ kind: "absent" as const }),
  ),
  nonce: fc.constantFrom("genuine", "genuine", "absent", "other"),
  csrf: fc.constantFrom("genuine", "genuine", "forged", "absent", "other-nonce"),
  extra: fc.array(
    fc.tuple(
      hostileString.map((s) => s.slice(0, 100)),
      hostileString.map((s) => s.slice(0, 2_000)),
    ),
    { maxLength: 3 },
  ),
});

export type DashboardPlan = {
  session: SessionPlan;
  login: LoginPlan;
  logoutCsrf: "genuine" | "forged" | "absent";
  encoding: "urlencoded" | "multipart" | "raw";
  raw: { contentType?: string; body?: string | Uint8Array };
  id: string | undefined;
  query: [string, string][];
  accept: string | undefined;
};

export const dashboardPlans: fc.Arbitrary<DashboardPlan> = fc.record({
  session: sessionPlan,
  login: loginPlan,
  logoutCsrf: fc.constantFrom("genuine", "genuine", "forged", "absent"),
  encoding: fc.constantFrom("urlencoded", "urlencoded", "multipart", "raw"),
  raw: nonJsonBody,
  id: fc.option(urlText, { nil: undefined }),
  query,
  accept: acceptHeader,
});

const swap = (text: string, at: number) => {
  const i = at % Math.max(text.length, 1);
  return `${text.slice(0, i)}${text[i] === "A" ? "B" : "A"}${text.slice(i + 1)}`;
};

/** What the organisation under attack offers the dashboard: its keys and a notification it sent. */
export type DashboardSubject = { organizationId: string; keys: Record<ApiKeyRole, string>; notificationId: string };

async function sessionToken(plan: SessionPlan, subject: DashboardSubject): Promise<string | undefined> {
  const keys = await workerKeys();
  const mint = async (role: ApiKeyRole, now = Date.now()) =>
    signSessionToken(keys, { apiKeyId: await apiKeyId(subject.keys[role]), organizationId: subject.organizationId, role }, now);
  switch (plan.kind) {
    case "genuine":
      return mint(plan.role);
    case "ingest-role":
      return mint("ingest");
    case "expired":
      return mint("admin", Date.now() - 30 * 24 * 3600 * 1000);
    case "cut": {
      const token = await mint("viewer");
      return token.slice(0, plan.at % token.length);
    }
    case "altered":
      return swap(await mint("viewer"), plan.at);
    case "text":
      return plan.text;
    case "absent":
      return undefined;
  }
}

function form(plan: DashboardPlan, fields: [string, string][], headers: Record<string, string>): { body?: string | Uint8Array } {
  if (plan.encoding === "raw") {
    if (plan.raw.contentType !== undefined) headers["content-type"] = plan.raw.contentType;
    return plan.raw.body !== undefined ? { body: plan.raw.body } : {};
  }
  if (plan.encoding === "urlencoded") {
    headers["content-type"] = "application/x-www-form-urlencoded";
    return { body: fields.map(([k, v]) => `${encodeComponent(k)}=${encodeComponent(v)}`).join("&") };
  }
  const boundary = `hostile${crypto.randomUUID().replace(/-/g, "")}`;
  headers["content-type"] = `multipart/form-data; boundary=${boundary}`;
  const parts = fields.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k.replace(/["\r\n]/g, "_")}"\r\n\r\n${v}\r\n`);
  return { body: `${parts.join("")}--${boundary}--\r\n` };
}

const LOGIN_NONCE = "hostileLoginNonce00000";

/** Turns a plan into a request for one dashboard route (`:id` filled from the plan or the sent notification). */
export async function dashboardRequest(method: "GET" | "POST", path: string, plan: DashboardPlan, subject: DashboardSubject): Promise<HostileRequest> {
  const headers: Record<string, string> = {};
  if (plan.accept !== undefined) headers.accept = plan.accept;
  const keys = await workerKeys();
  const cookies: string[] = [];
  const session = await sessionToken(plan.session, subject);
  if (session !== undefined) cookies.push(`tidings_dashboard=${encodeComponent(session)}`);
  // A template's routes get the notification's id too: an unknown template, the case an attacker guesses.
  const filled = path.replace(":id", encodeComponent(plan.id ?? subject.notificationId)).replace(":v", "1");

  if (path === "/dashboard/login") {
    const login = plan.login;
    if (login.nonce !== "absent") cookies.push(`tidings_dashboard_login=${login.nonce === "genuine" ? LOGIN_NONCE : "someoneElsesNonce00000"}`);
    if (cookies.length > 0) headers.cookie = cookies.join("; ");
    if (method === "GET") return { method, path: filled, query: plan.query, headers };
    const csrf = {
      genuine: await createCsrfToken(keys, loginBinding(LOGIN_NONCE)),
      "other-nonce": await createCsrfToken(keys, loginBinding("anotherLoginNonce00000")),
      forged: "k2.1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      absent: undefined,
    }[login.csrf];
    const apiKey = login.apiKey.kind === "role" ? subject.keys[login.apiKey.role] : login.apiKey.kind === "text" ? login.apiKey.text : undefined;
    const fields: [string, string][] = [
      ...(csrf ? [["csrf", csrf] as [string, string]] : []),
      ...(apiKey !== undefined ? [["apiKey", apiKey] as [string, string]] : []),
      ...login.extra,
    ];
    return { method, path: filled, query: [], headers, ...form(plan, fields, headers) };
  }

  if (cookies.length > 0) headers.cookie = cookies.join("; ");
  if (method === "GET") return { method, path: filled, query: plan.query, headers };
  const csrf =
    plan.logoutCsrf === "genuine" && session !== undefined
      ? await createCsrfToken(keys, logoutBinding(session))
      : plan.logoutCsrf === "forged"
        ? "k2.1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        : undefined;
  return { method, path: filled, query: [], headers, ...form(plan, csrf ? [["csrf", csrf]] : [], headers) };
}
