import type { TokenKeys } from "../crypto/token-keys";
import { b64url, fromB64url } from "../crypto/bytes";

/** A form stays valid for this many hours (buckets) after it was rendered: long enough to read it. */
const BUCKET_MS = 3600_000;
const VALID_BUCKETS = 24;

const enc = new TextEncoder();

// The "csrf." prefix separates these MACs from recipient tokens signed with the same keys.
const message = (pageToken: string, bucket: number) => enc.encode(`csrf.${pageToken}.${bucket}`);

/**
 * `<key id>.<hour bucket>.<HMAC(page token, bucket)>`: bound to the page's own token, so a form
 * token lifted from one recipient's page is worthless on another's, and it needs no server state.
 */
export async function createCsrfToken(keys: TokenKeys, pageToken: string, now: number = Date.now()): Promise<string> {
  const key = keys.keys.get(keys.current);
  if (!key) throw new Error("the current token key is missing");
  const bucket = Math.floor(now / BUCKET_MS);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, message(pageToken, bucket)));
  return `${keys.current}.${bucket}.${b64url(mac)}`;
}

export type CsrfError = "missing" | "malformed" | "expired" | "bad_signature";

export async function verifyCsrfToken(keys: TokenKeys, pageToken: string, csrf: string | undefined, now: number = Date.now()): Promise<CsrfError | null> {
  if (!csrf) return "missing";
  const match = /^([a-zA-Z0-9]{1,16})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(csrf);
  if (!match) return "malformed";
  const [, kid, bucketText, macText] = match as unknown as [string, string, string, string];
  const key = keys.keys.get(kid);
  if (!key) return "bad_signature";
  const bucket = Number(bucketText);
  const current = Math.floor(now / BUCKET_MS);
  // One bucket of slack ahead: isolates on different machines may disagree on the hour by a moment.
  if (bucket > current + 1 || bucket < current - VALID_BUCKETS) return "expired";
  // subtle.verify compares in constant time.
  return (await crypto.subtle.verify("HMAC", key, fromB64url(macText), message(pageToken, bucket))) ? null : "bad_signature";
}
