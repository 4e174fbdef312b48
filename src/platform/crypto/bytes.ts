/**
 * Hex and base64url for the hot paths (every ingest hashes the API key, the body and each address;
 * every sealed value is encoded and decoded). workerd has the native Uint8Array.prototype.toHex /
 * toBase64 and Uint8Array.fromBase64 (TC39 proposal, shipped in V8); a string built byte by byte
 * was 3–4 % of the Worker's CPU in `npm run bench -- --cpu-profile`. The byte-by-byte versions stay
 * for runtimes without them.
 */
type Base64Alphabet = { alphabet?: "base64" | "base64url" };
type NativeBytes = Uint8Array & { toHex?: () => string; toBase64?: (options: Base64Alphabet & { omitPadding?: boolean }) => string };
const NativeUint8Array = Uint8Array as unknown as { fromBase64?: (text: string, options: Base64Alphabet) => Uint8Array };

const native = typeof (new Uint8Array(0) as NativeBytes).toHex === "function" && typeof NativeUint8Array.fromBase64 === "function";

export function toHex(bytes: Uint8Array): string {
  if (native) return (bytes as NativeBytes).toHex?.() ?? "";
  let out = "";
  for (const b of bytes) out += (b < 16 ? "0" : "") + b.toString(16);
  return out;
}

/** base64url without padding (RFC 4648 §5): sealed values, signed tokens, CSRF tokens and session cookies carry it. */
export function b64url(bytes: Uint8Array): string {
  if (native) return (bytes as NativeBytes).toBase64?.({ alphabet: "base64url", omitPadding: true }) ?? "";
  // In chunks: spreading a whole event's data (up to 512 KiB) into one call overflows the stack.
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Either alphabet, with or without padding. Throws on characters outside them (as atob does):
 * callers treat that as a forged token or a damaged value.
 */
export function fromB64url(text: string): Uint8Array {
  if (native && NativeUint8Array.fromBase64) return NativeUint8Array.fromBase64(/[+/]/.test(text) ? text.replace(/\+/g, "-").replace(/\//g, "_") : text, { alphabet: "base64url" });
  return Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
}
