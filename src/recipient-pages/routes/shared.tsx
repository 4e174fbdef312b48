import type { Context } from "hono";
import type { JSX } from "hono/jsx/jsx-runtime";
import type { HonoEnv } from "../../context";
import { ApiError } from "../../platform/errors";
import { refuse } from "../../platform/http/page-refusal";
import { verifyPageToken } from "../keys";
import { loadPageSubject, type PageSubject } from "../load";
import { pageStrings, type PageStrings } from "../strings";
import { MessagePage } from "../views/unsubscribe";
import { type RecipientClaims, signRecipientToken } from "../token";
import type { TokenKeys } from "../../platform/crypto/token-keys";

type Ctx = Context<HonoEnv>;

export type VerifiedPage = { claims: RecipientClaims; keys: TokenKeys; subject: PageSubject; strings: PageStrings; token: string };

export async function renderPage(c: Ctx, page: JSX.Element, status: 200 | 400 | 401 | 403 | 404 = 200) {
  return c.html(`<!doctype html>${await page.toString()}`, status);
}

/** English unless the browser prefers German: the invalid-link page knows no recipient to ask. */
const anonymousStrings = (c: Ctx) => pageStrings(c.req.header("accept-language")?.split(",")[0], undefined);

/**
 * The token's recipient and organisation, or undefined when the link is forged, altered, signed by
 * a retired key, or names a deleted recipient: the caller then answers without changing anything.
 * Missing keys are our fault, not the link's, and answer 500.
 */
export async function verifyPage(c: Ctx, token: string): Promise<VerifiedPage | undefined> {
  const verified = await verifyPageToken(c.get("services"), token);
  if (!verified.ok) {
    if (verified.error === "not_configured") {
      c.get("services").log.error("TOKEN_SIGNING_KEYS is not set: recipients' pages cannot verify links");
      throw new ApiError("INTERNAL_SERVER_ERROR", "Recipients' pages are not configured.");
    }
    return undefined;
  }
  const subject = await loadPageSubject(c.get("services").db, verified.value.claims);
  if (!subject) return undefined;
  return { ...verified.value, subject, token, strings: pageStrings(subject.recipient.locale, subject.organization.branding.pageStrings) };
}

/** A forged or dead link: a page saying so for a browser, the envelope for anything else. */
export function invalidLinkPage(c: Ctx) {
  const strings = anonymousStrings(c);
  return refuse(c, "NOT_FOUND", "This link is not valid: it was altered, has expired, or its recipient is gone.", (status) =>
    renderPage(c, <MessagePage strings={strings} nonce={c.get("cspNonce")} title={strings.invalidTitle} body={strings.invalidBody} />, status),
  );
}

/** For POSTs, which machines send: our error envelope rather than a page. */
export function invalidLinkError(): never {
  throw new ApiError("BAD_REQUEST", "This link is not valid: nothing was changed.", [{ path: "token", message: "forged, altered, or signed by a retired key" }]);
}

/** The preference centre's address for the same recipient (a token without category). */
export async function preferencesPath(page: Pick<VerifiedPage, "keys" | "claims">): Promise<string> {
  return `/p/${await signRecipientToken(page.keys, { organizationId: page.claims.organizationId, recipientId: page.claims.recipientId })}`;
}
