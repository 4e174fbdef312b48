import { signRecipientToken } from "./token";
import { parsePageBranding } from "./branding";
import type { Services } from "../services";

export type RecipientLinkInput = {
  organizationId: string;
  /** Our internal recipient id (recipients.id), not the organisation's own id for the person. */
  recipientId: string;
  category: string;
  critical: boolean;
  /** organizations.branding: its `unsubscribeMailto` adds a mailto to List-Unsubscribe. */
  branding?: Record<string, unknown> | null;
};

export type RecipientLinks = {
  links: { unsubscribeUrl?: string; preferencesUrl?: string };
  headers: Record<string, string>;
};

const NONE: RecipientLinks = { links: {}, headers: {} };
let warnedUnconfigured = false;

/**
 * The footer links and RFC 8058 headers of one email. Critical mail (password reset, security
 * alert) gets none: it cannot be unsubscribed from, and a link that does nothing would mislead.
 * The unsubscribe token names the category, so one click stops only that kind of mail; the
 * preferences token names none, since the page covers every category.
 */
export async function recipientLinks({ env, keys: allKeys, log }: Pick<Services, "env" | "keys" | "log">, input: RecipientLinkInput): Promise<RecipientLinks> {
  if (input.critical) return NONE;
  const keys = await allKeys.tokens();
  if (!keys.ok) {
    if (!warnedUnconfigured) log.error("TOKEN_SIGNING_KEYS is not set: non-critical mail goes out without unsubscribe links");
    warnedUnconfigured = true;
    return NONE;
  }
  const base = env.PUBLIC_BASE_URL.replace(/\/+$/, "");
  const subject = { organizationId: input.organizationId, recipientId: input.recipientId };
  const [unsubscribeToken, preferencesToken] = await Promise.all([
    signRecipientToken(keys.value, { ...subject, category: input.category }),
    signRecipientToken(keys.value, subject),
  ]);
  const unsubscribeUrl = `${base}/u/${unsubscribeToken}`;
  const mailto = parsePageBranding(input.branding).unsubscribeMailto;
  // RFC 2369 order: the https URI first (RFC 8058 one-click needs it), the mailto as a fallback.
  // The token in the subject tells the organisation's mailbox whom and what the request is for.
  const listUnsubscribe = [`<${unsubscribeUrl}>`, ...(mailto ? [`<mailto:${mailto}?subject=${encodeURIComponent(`unsubscribe ${unsubscribeToken}`)}>`] : [])].join(", ");
  return {
    links: { unsubscribeUrl, preferencesUrl: `${base}/p/${preferencesToken}` },
    headers: { "List-Unsubscribe": listUnsubscribe, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
  };
}
