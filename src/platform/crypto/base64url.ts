/** base64url without padding (RFC 4648 §5): what signed tokens, CSRF tokens and session cookies carry. */
export const b64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

/** Throws on characters outside the alphabet (atob does); callers treat that as a forged token. */
export const fromB64url = (s: string): Uint8Array => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
