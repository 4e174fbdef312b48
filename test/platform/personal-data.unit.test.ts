import { describe, expect, it } from "vitest";
import { openEventData, openPersonal, sealPersonal, type SealedPlace } from "../../src/platform/crypto/personal-data";
import { importSealingKey, seal, unseal } from "../../src/platform/crypto/sealed-box";

const keyText = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
const place: SealedPlace = { column: "recipients.email", organizationId: crypto.randomUUID(), rowId: crypto.randomUUID() };

describe("sealed personal values", () => {
  it("open in their own place and fail as tampered in another row, column or organisation", async () => {
    const keys = { current: await importSealingKey(keyText()) };
    const sealed = await sealPersonal(keys, place, "zelda@example.test");
    expect(sealed).not.toContain("zelda");
    expect(await openPersonal(keys, place, { sealed, plain: null })).toEqual({ ok: true, value: "zelda@example.test" });
    for (const elsewhere of [
      { ...place, rowId: crypto.randomUUID() },
      { ...place, organizationId: crypto.randomUUID() },
      { ...place, column: "recipients.name" as const },
    ]) {
      expect(await openPersonal(keys, elsewhere, { sealed, plain: null })).toEqual({ ok: false, error: "tampered" });
    }
  });

  it("read the plain-text column of a row written without a key, and refuse a sealed one when the key is missing", async () => {
    expect(await openPersonal(undefined, place, { sealed: null, plain: "plain@example.test" })).toEqual({ ok: true, value: "plain@example.test" });
    const keys = { current: await importSealingKey(keyText()) };
    const sealed = await sealPersonal(keys, place, "zelda@example.test");
    expect(await openPersonal(undefined, place, { sealed, plain: null })).toEqual({ ok: false, error: "unknown_key" });
  });

  it("open values sealed under the previous key after a rotation", async () => {
    const old = await importSealingKey(keyText());
    const sealed = await sealPersonal({ current: old }, place, "zelda@example.test");
    const rotated = { current: await importSealingKey(keyText()), previous: old };
    expect(await openPersonal(rotated, place, { sealed, plain: null })).toEqual({ ok: true, value: "zelda@example.test" });
  });

  it("seal an event's data of half a megabyte, which one spread into String.fromCharCode cannot encode", async () => {
    const keys = { current: await importSealingKey(keyText()) };
    const data = { blob: "x".repeat(512 * 1024), nested: { ok: true } };
    const where = { column: "events.data" as const, organizationId: place.organizationId, rowId: place.rowId };
    const sealed = await sealPersonal(keys, where, JSON.stringify(data));
    expect(await openEventData(keys, where.organizationId, where.rowId, { sealed, plain: {} })).toEqual({ ok: true, value: data });
  });

  it("still seal and open provider credentials without associated data, as before", async () => {
    const keys = { current: await importSealingKey(keyText()) };
    const sealed = await seal(keys, "api-key");
    expect(await unseal(keys, sealed)).toEqual({ ok: true, value: "api-key" });
    expect(await unseal(keys, sealed, "tidings/recipients.email/x/y")).toEqual({ ok: false, error: "tampered" });
  });
});
