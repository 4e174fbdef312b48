/**
 * The one redaction rule for whatever leaves the Worker as text: log lines (log.ts), the error
 * handler's report (errors.ts), Sentry events (monitoring/redact.ts) and providers' answers stored
 * on delivery attempts (send/failover.ts). Errors are first reduced to their kind, code and SQL
 * text (errors.ts beside this file); what remains free text passes through `redactText`.
 */

const EMAIL = /[\p{L}\p{N}._%+-]+(?:@|%40)(?:[\p{L}\p{N}-]+\.)+[\p{L}\p{N}-]{2,}/giu;
const API_KEY = /\btid_[A-Za-z0-9_-]+/g;
const BEARER = /\b(Bearer|Basic)\s+[^\s"',;]+/gi;
// Recipients' pages carry a signed link token as their last path segment.
const PAGE_TOKEN = /\/(u|p)\/[^/?#\s"']+/g;
// Drizzle's "Failed query: … \nparams: …" carries the bound values: addresses, names, an event's data.
// A value may itself hold newlines, so the cut runs to the first stack frame (raw or JSON-escaped) or the end.
const QUERY_PARAMS = /params: [\s\S]*?(?=\n\s*at |\\n\s*at |$)/g;
// PostgreSQL's DETAIL for a unique or foreign-key violation quotes the row's values.
const KEY_DETAIL = /\bKey \(([^)]*)\)=\((?:[^()]|\([^)]*\))*\)/g;

/**
 * Keys whose values never leave, at any depth: secrets, bodies, recipients and the events' template
 * data, and a query's bound parameters. `name` is not among them: Sentry's own payload needs it
 * (sdk.name, contexts.runtime.name); a recipient's name travels under `recipient(s)`, which are.
 */
const PRIVATE_KEY =
  /^(authorization|proxy-authorization|cookies?|set-cookie|password|secret|token|api[_-]?key|private[_-]?key|credentials|signature|body|data|payload|recipients?|variables|env|emails?|to|cc|bcc|params)$/i;

export const isPrivateKey = (key: string): boolean => PRIVATE_KEY.test(key);

export function redactText(text: string): string {
  return text
    .replace(EMAIL, "[email]")
    .replace(API_KEY, "[api-key]")
    .replace(BEARER, "$1 [redacted]")
    .replace(PAGE_TOKEN, "/$1/[token]")
    .replace(QUERY_PARAMS, "params: [redacted]")
    .replace(KEY_DETAIL, "Key ($1)=([redacted])");
}

/** A URL without its query's values (names stay: they say which filter was used) and without addresses or tokens. */
export function redactUrl(url: string): string {
  const [base = "", ...rest] = url.split("?");
  const query = rest.join("?").split("#")[0] ?? "";
  const names = query
    .split("&")
    .filter(Boolean)
    .map((pair) => `${pair.split("=")[0]}=[redacted]`);
  return redactText(base.split("#")[0] ?? "") + (names.length > 0 ? `?${redactText(names.join("&"))}` : "");
}

/** The person an email was for, as a provider's answer might quote them. */
export type Addressee = { email: string; name?: string | undefined };

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A provider's answer about one email, as it may be stored: besides the general rule, the
 * addressee's own address (also URL-encoded), its local part and their name go wherever they are
 * quoted, since servers quote them in forms no address pattern catches ("<ada>... User unknown").
 * Parts shorter than three characters stay: scrubbing "al" would mangle the reply, not protect anyone.
 */
export function redactForAddressee(text: string, to: Addressee): string {
  const local = to.email.split("@")[0] ?? "";
  const known = [to.email, encodeURIComponent(to.email), local, to.name ?? ""].filter((v) => v.trim().length >= 3).sort((a, b) => b.length - a.length);
  // Whole words only: a name "Ada" must not turn "Canada" into "Can[recipient]".
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${known.map(escapeRegExp).join("|")})(?![\\p{L}\\p{N}])`, "giu");
  const quoted = known.length > 0 ? text.replace(pattern, "[recipient]") : text;
  return redactText(quoted);
}
