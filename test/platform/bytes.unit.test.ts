import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { b64url, fromB64url, toHex } from "../../src/platform/crypto/bytes";

/** What the encoders did byte by byte before workerd's native ones were used: the reference. */
const referenceHex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
const referenceB64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

describe("hex and base64url encoding", () => {
  it("encode every byte string as the byte-by-byte reference does, and decode back to the same bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(toHex(bytes)).toBe(referenceHex(bytes));
        expect(b64url(bytes)).toBe(referenceB64url(bytes));
        expect([...fromB64url(b64url(bytes))]).toEqual([...bytes]);
      }),
    );
  });

  it("decode the standard alphabet and padded text too, as keys from configuration may be written", () => {
    const bytes = new Uint8Array([251, 255, 191, 0, 62]);
    const standard = btoa(String.fromCharCode(...bytes));
    expect(standard).toMatch(/[+/=]/);
    expect([...fromB64url(standard)]).toEqual([...bytes]);
  });

  it("refuse text outside the alphabet, which callers treat as a forged or damaged value", () => {
    expect(() => fromB64url("not*base64")).toThrow();
  });
});
