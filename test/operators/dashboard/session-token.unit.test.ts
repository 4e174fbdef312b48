import { describe, expect, it } from "vitest";
import { SESSION_TTL_MS, signSessionToken, verifySessionToken } from "../../../src/operators/dashboard/session-token";
import { signRecipientToken, verifyRecipientToken } from "../../../src/recipient-pages/token";
import { importTokenKeys } from "../../../src/platform/crypto/token-keys";
import { randomKeySpec } from "../../fixtures/recipient-pages";

const at = Date.UTC(2026, 3, 20, 10, 30);
const session = { apiKeyId: crypto.randomUUID(), organizationId: crypto.randomUUID(), role: "viewer" as const };
const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

describe("dashboard session tokens", () => {
  it("carry the key id, organisation, role and an expiry twelve hours on, and not a byte more", async () => {
    const keys = await importTokenKeys(randomKeySpec("k1"));
    const token = await signSessionToken(keys, session, at);
    expect(await verifySessionToken(keys, token, at + SESSION_TTL_MS - 1)).toEqual({ ok: true, value: { ...session, expiresAt: at + SESSION_TTL_MS } });
    expect(await verifySessionToken(keys, token, at + SESSION_TTL_MS)).toEqual({ ok: false, error: "expired" });
  });

  it("verify with a retired key still listed, and not with an unknown one", async () => {
    const old = randomKeySpec("k1");
    const token = await signSessionToken(await importTokenKeys(old), session, at);
    expect((await verifySessionToken(await importTokenKeys(`${randomKeySpec("k2")},${old}`), token, at)).ok).toBe(true);
    expect(await verifySessionToken(await importTokenKeys(randomKeySpec("k3")), token, at)).toEqual({ ok: false, error: "unknown_key" });
  });

  it("are MACed under their own purpose: session claims MACed the recipient-token way are refused, and the reverse", async () => {
    const keys = await importTokenKeys(randomKeySpec("k1"));
    const key = keys.keys.get("k1");
    if (!key) throw new Error("k1 was imported");
    // A token shaped exactly like a session, but signed as recipient tokens are: HMAC over "<kid>.<body>".
    const body = b64url(new TextEncoder().encode(JSON.stringify({ k: session.apiKeyId, o: session.organizationId, r: "admin", e: at + SESSION_TTL_MS })));
    const mac = b64url(new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`k1.${body}`))));
    expect(await verifySessionToken(keys, `k1.${body}.${mac}`, at)).toEqual({ ok: false, error: "bad_signature" });
    const recipientToken = await signRecipientToken(keys, { organizationId: session.organizationId, recipientId: crypto.randomUUID() });
    expect(await verifySessionToken(keys, recipientToken, at)).toEqual({ ok: false, error: "bad_signature" });
    expect(await verifyRecipientToken(keys, await signSessionToken(keys, session, at))).toEqual({ ok: false, error: "bad_signature" });
  });
});
