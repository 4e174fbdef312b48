import { err, ok, type Result } from "../result";
import { b64url, fromB64url } from "./bytes";
import type { TokenError, TokenKeys } from "./token-keys";

const enc = new TextEncoder();

/**
 * What the HMAC covers. A purpose, when given, is signed as a prefix the other kinds lack, so a
 * token of one kind never verifies as another although the same keys sign both. Recipient links
 * carry none: they were issued before there was a second kind, and must keep verifying.
 */
const macInput = (kid: string, body: string, purpose: string | undefined) => enc.encode(purpose ? `${purpose}.${kid}.${body}` : `${kid}.${body}`);

/** `<key id>.<payload, base64url JSON>.<HMAC-SHA256, base64url>`: URL- and cookie-safe as it stands. */
export async function signPayload(keys: TokenKeys, payload: Record<string, unknown>, purpose?: string): Promise<string> {
  const key = keys.keys.get(keys.current);
  if (!key) throw new Error("the current token key is missing");
  const body = b64url(enc.encode(JSON.stringify(payload)));
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, macInput(keys.current, body, purpose)));
  return `${keys.current}.${body}.${b64url(mac)}`;
}

/** The payload of a token this deployment signed for `purpose`; the caller checks its shape. */
export async function verifyPayload(keys: TokenKeys, token: string, purpose?: string): Promise<Result<Record<string, unknown>, TokenError>> {
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return err("malformed");
  const [kid, body, mac] = parts as [string, string, string];
  const key = keys.keys.get(kid);
  if (!key) return err("unknown_key");
  let signature: Uint8Array;
  try {
    signature = fromB64url(mac);
  } catch {
    return err("malformed");
  }
  // subtle.verify compares in constant time; comparing strings ourselves would leak timing.
  if (!(await crypto.subtle.verify("HMAC", key, signature, macInput(kid, body, purpose)))) return err("bad_signature");
  try {
    const payload: unknown = JSON.parse(new TextDecoder().decode(fromB64url(body)));
    return payload !== null && typeof payload === "object" && !Array.isArray(payload) ? ok(payload as Record<string, unknown>) : err("malformed");
  } catch {
    return err("malformed");
  }
}
