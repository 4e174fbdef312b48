import fc from "fast-check";
import { loadTokenKeys } from "../../src/platform/crypto/token-keys";
import { createCsrfToken } from "../../src/platform/http/csrf";
import { testEnv } from "../fixtures/organization";
import { randomKeySpec, signWith } from "../fixtures/recipient-pages";
import { acceptHeader, encodeComponent, type HostileRequest, nonJsonBody, urlText } from "./request";
import { headerValue, hostileString } from "./values";

/** A recipient's link as it arrives: genuine, cut, altered, signed by a key we never had, or naming nobody. */
type TokenPlan =
  | { kind: "genuine"; category: boolean }
  | { kind: "cut"; at: number }
  | { kind: "altered"; at: number }
  | { kind: "extended"; tail: string }
  | { kind: "foreign-key" }
  | { kind: "nobody" }
  | { kind: "text"; text: string };

const tokenPlan: fc.Arbitrary<TokenPlan> = fc.oneof(
  { arbitrary: fc.boolean().map((category) => ({ kind: "genuine" as const, category })), weight: 5 },
  { arbitrary: fc.nat().map((at) => ({ kind: "cut" as const, at })), weight: 1 },
  { arbitrary: fc.nat().map((at) => ({ kind: "altered" as const, at })), weight: 1 },
  { arbitrary: fc.string({ maxLength: 8 }).map((tail) => ({ kind: "extended" as const, tail })), weight: 1 },
  { arbitrary: fc.constant({ kind: "foreign-key" as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: "nobody" as const }), weight: 1 },
  { arbitrary: urlText.map((text) => ({ kind: "text" as const, text })), weight: 2 },
);

/** The form fields a page posts, each genuine or hostile, in a browser's encoding or not. */
type FormPlan = {
  fields: [string, string][];
  csrf: "genuine" | "forged" | "absent" | "other-page";
  encoding: "urlencoded" | "multipart" | "raw";
  raw?: { contentType?: string; body?: string | Uint8Array };
};

const field = fc.oneof(
  fc.tuple(
    fc.constantFrom("List-Unsubscribe", "via", "categories", "unsubscribeAll", "textOnly", "formatShown", "comments.enabled", "comments.delivery", "comments.frequency"),
    fc.oneof(
      fc.constantFrom("One-Click", "page", "on", "comments", "digest", "weekly", "off"),
      hostileString.map((s) => s.slice(0, 5_000)),
    ),
  ),
  fc.tuple(
    hostileString.map((s) => s.slice(0, 200)),
    hostileString.map((s) => s.slice(0, 5_000)),
  ),
);

const formPlan: fc.Arbitrary<FormPlan> = fc.record(
  {
    fields: fc.array(field, { maxLength: 6 }),
    csrf: fc.constantFrom("genuine", "genuine", "forged", "absent", "other-page"),
    encoding: fc.constantFrom("urlencoded", "urlencoded", "multipart", "raw"),
    raw: nonJsonBody,
  },
  { requiredKeys: ["fields", "csrf", "encoding"] },
);

export type PagePlan = { token: TokenPlan; form: FormPlan; accept: string | undefined; language?: string };

export const pagePlans: fc.Arbitrary<PagePlan> = fc.record(
  { token: tokenPlan, form: formPlan, accept: acceptHeader, language: fc.option(headerValue, { nil: undefined }) },
  { requiredKeys: ["token", "form", "accept"] },
);

const swap = (text: string, at: number) => {
  const i = at % Math.max(text.length, 1);
  return `${text.slice(0, i)}${text[i] === "A" ? "B" : "A"}${text.slice(i + 1)}`;
};

/** Turns a plan into a request at `/{u|p}/{token}` for the recipient `claims` names. */
export async function pageRequest(method: "GET" | "POST", page: "u" | "p", plan: PagePlan, claims: { organizationId: string; recipientId: string }): Promise<HostileRequest> {
  const genuine = await signWith(undefined, { ...claims, ...(plan.token.kind === "genuine" && plan.token.category ? { category: "comments" } : {}) });
  const token = await (async () => {
    switch (plan.token.kind) {
      case "genuine":
        return genuine;
      case "cut":
        return genuine.slice(0, plan.token.at % genuine.length);
      case "altered":
        return swap(genuine, plan.token.at);
      case "extended":
        return `${genuine}${plan.token.tail}`;
      case "foreign-key":
        return signWith(randomKeySpec("k2"), claims);
      case "nobody":
        return signWith(undefined, { organizationId: claims.organizationId, recipientId: crypto.randomUUID() });
      case "text":
        return plan.token.text;
    }
  })();
  const headers: Record<string, string> = {};
  if (plan.accept !== undefined) headers.accept = plan.accept;
  if (plan.language !== undefined) headers["accept-language"] = plan.language;
  const path = `/${page}/${encodeComponent(token)}`;
  if (method === "GET") return { method, path, query: [], headers };

  const keys = await loadTokenKeys(testEnv());
  if (!keys.ok) throw new Error(keys.error);
  const csrf = {
    genuine: await createCsrfToken(keys.value, token),
    forged: "k2.1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "other-page": await createCsrfToken(keys.value, genuine.slice(1)),
    absent: undefined,
  }[plan.form.csrf];
  const fields: [string, string][] = [...plan.form.fields, ...(csrf !== undefined ? [["csrf", csrf] as [string, string]] : [])];
  if (plan.form.encoding === "raw") {
    if (plan.form.raw?.contentType !== undefined) headers["content-type"] = plan.form.raw.contentType;
    return { method, path, query: [], headers, ...(plan.form.raw?.body !== undefined ? { body: plan.form.raw.body } : {}) };
  }
  if (plan.form.encoding === "urlencoded") {
    headers["content-type"] = "application/x-www-form-urlencoded";
    return { method, path, query: [], headers, body: fields.map(([k, v]) => `${encodeComponent(k)}=${encodeComponent(v)}`).join("&") };
  }
  const boundary = `hostile${crypto.randomUUID().replace(/-/g, "")}`;
  headers["content-type"] = `multipart/form-data; boundary=${boundary}`;
  const parts = fields.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k.replace(/["\r\n]/g, "_")}"\r\n\r\n${v}\r\n`);
  return { method, path, query: [], headers, body: `${parts.join("")}--${boundary}--\r\n` };
}
