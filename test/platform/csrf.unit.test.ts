import { describe, expect, it } from "vitest";
import { createCsrfToken, verifyCsrfToken } from "../../src/platform/http/csrf";
import { importTokenKeys } from "../../src/platform/crypto/token-keys";
import { randomKeySpec } from "../fixtures/recipient-pages";

const HOUR = 3600_000;
const at = Date.UTC(2026, 3, 20, 10, 30);

describe("CSRF tokens of the preference form", () => {
  it("verify for the page token they were made for, within a day", async () => {
    const keys = await importTokenKeys(randomKeySpec("k1"));
    const csrf = await createCsrfToken(keys, "page-token", at);
    expect(await verifyCsrfToken(keys, "page-token", csrf, at)).toBeNull();
    expect(await verifyCsrfToken(keys, "page-token", csrf, at + 23 * HOUR)).toBeNull();
  });

  it("expire after a day and refuse a bucket from beyond the next hour", async () => {
    const keys = await importTokenKeys(randomKeySpec("k1"));
    expect(await verifyCsrfToken(keys, "page-token", await createCsrfToken(keys, "page-token", at), at + 26 * HOUR)).toBe("expired");
    expect(await verifyCsrfToken(keys, "page-token", await createCsrfToken(keys, "page-token", at + 3 * HOUR), at)).toBe("expired");
  });

  it("refuse another page's token, another key's, and a malformed one", async () => {
    const keys = await importTokenKeys(randomKeySpec("k1"));
    const other = await importTokenKeys(randomKeySpec("k1"));
    const csrf = await createCsrfToken(keys, "page-token", at);
    expect(await verifyCsrfToken(keys, "another-page-token", csrf, at)).toBe("bad_signature");
    expect(await verifyCsrfToken(other, "page-token", csrf, at)).toBe("bad_signature");
    expect(await verifyCsrfToken(keys, "page-token", "k1.1.short", at)).toBe("malformed");
    expect(await verifyCsrfToken(keys, "page-token", undefined, at)).toBe("missing");
  });

  it("still verify after a key rotation while the old key is listed", async () => {
    const old = randomKeySpec("k1");
    const csrf = await createCsrfToken(await importTokenKeys(old), "page-token", at);
    expect(await verifyCsrfToken(await importTokenKeys(`${randomKeySpec("k2")},${old}`), "page-token", csrf, at)).toBeNull();
  });
});
