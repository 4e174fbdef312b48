import { err, ok, type Result } from "../../platform/result";
import { authError, type WebhookAuthError } from "./webhook-errors";

const encoder = new TextEncoder();

export const utf8 = (text: string): Uint8Array => encoder.encode(text);

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export const toBytes = (data: ArrayBuffer | Uint8Array): Uint8Array => (data instanceof Uint8Array ? data : new Uint8Array(data));

export function decodeBase64(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/\r\n]*={0,2}\s*$/.test(text)) return undefined;
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

export function decodeHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * Unix seconds as the provider sent them, refused when further than `toleranceSeconds` from `now`
 * in either direction: a captured request cannot be replayed later, and a sender whose clock runs
 * ahead gets the same slack as one running behind.
 */
export function checkFreshness(timestamp: string, now: Date, toleranceSeconds: number): Result<number, WebhookAuthError> {
  if (!/^\d{1,12}$/.test(timestamp)) return err(authError("MALFORMED_TIMESTAMP", "The timestamp is not a number of Unix seconds."));
  const seconds = Number(timestamp);
  const skew = Math.abs(now.getTime() / 1000 - seconds);
  if (skew > toleranceSeconds) return err(authError("STALE_TIMESTAMP", `The timestamp is ${Math.round(skew)} s away from now (tolerance ${toleranceSeconds} s).`));
  return ok(seconds);
}
