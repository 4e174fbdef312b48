import { describe, expect, it } from "vitest";
import { signRecipientToken, verifyRecipientToken } from "../../src/recipient-pages/token";
import { importTokenKeys } from "../../src/platform/crypto/token-keys";

const secret = (fill: number) => btoa(String.fromCharCode(...new Uint8Array(32).fill(fill)));
const claims = { organizationId: crypto.randomUUID(), recipientId: crypto.randomUUID(), category: "comments" };

describe("recipient tokens", () => {
  it("verify with the key that signed them and give back organisation, recipient and category", async () => {
    const keys = await importTokenKeys(`k1:${secret(1)}`);
    const token = await signRecipientToken(keys, claims);
    expect(token).toMatch(/^[A-Za-z0-9_.-]+$/);
    expect(await verifyRecipientToken(keys, token)).toEqual({ ok: true, value: claims });
  });

  it("carry no category for the preference centre and unsubscribe-from-all links", async () => {
    const keys = await importTokenKeys(`k1:${secret(1)}`);
    const token = await signRecipientToken(keys, { organizationId: claims.organizationId, recipientId: claims.recipientId });
    const verified = await verifyRecipientToken(keys, token);
    expect(verified.ok && verified.value.category).toBeUndefined();
  });

  it("still verify after a rotation while the old key is listed, and not once it is removed", async () => {
    const before = await importTokenKeys(`k1:${secret(1)}`);
    const token = await signRecipientToken(before, claims);
    const rotated = await importTokenKeys(`k2:${secret(2)},k1:${secret(1)}`);
    expect((await verifyRecipientToken(rotated, token)).ok).toBe(true);
    expect((await signRecipientToken(rotated, claims)).startsWith("k2.")).toBe(true);
    const retired = await importTokenKeys(`k2:${secret(2)}`);
    expect(await verifyRecipientToken(retired, token)).toEqual({ ok: false, error: "unknown_key" });
  });

  it.each([
    [
      "a changed category",
      (t: string) =>
        t.replace(/^(k1\.)([^.]+)/, (_, k: string) => `${k}${btoa(JSON.stringify({ o: claims.organizationId, r: claims.recipientId, c: "billing" })).replace(/=+$/, "")}`),
      "bad_signature",
    ],
    ["a forged signature", (t: string) => `${t.slice(0, t.lastIndexOf("."))}.${"A".repeat(43)}`, "bad_signature"],
    ["a truncated token", (t: string) => t.slice(0, t.lastIndexOf(".")), "malformed"],
    ["an unknown key id", (t: string) => t.replace(/^k1\./, "k9."), "unknown_key"],
    ["characters outside base64url", (t: string) => `${t}!`, "malformed"],
  ])("refuse %s", async (_label, tamper, error) => {
    const keys = await importTokenKeys(`k1:${secret(1)}`);
    const token = await signRecipientToken(keys, claims);
    expect(await verifyRecipientToken(keys, tamper(token))).toEqual({ ok: false, error });
  });

  it("refuse a key shorter than 32 bytes when the keys are loaded", async () => {
    await expect(importTokenKeys(`k1:${btoa("short")}`)).rejects.toThrow(/shorter than 32 bytes/);
  });
});
