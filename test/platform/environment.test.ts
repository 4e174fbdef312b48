import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { parseEnv } from "../../src/env";

/** The test bindings with some settings changed or removed. */
const withSettings = (changes: Record<string, string | undefined>) => {
  const raw: Record<string, unknown> = { ...env };
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) delete raw[name];
    else raw[name] = value;
  }
  return raw;
};

describe("the environment a deployment starts with", () => {
  it("refuses to start in production without PUBLIC_BASE_URL, naming it, since every email's links are built from it", () => {
    expect(() => parseEnv(withSettings({ ENVIRONMENT: "production", DEV_MODE: "false", PUBLIC_BASE_URL: undefined }))).toThrow(/PUBLIC_BASE_URL/);
  });

  it("refuses a plain-http PUBLIC_BASE_URL and DEV_MODE in production", () => {
    expect(() => parseEnv(withSettings({ ENVIRONMENT: "production", DEV_MODE: "false", PUBLIC_BASE_URL: "http://tidings.example.com" }))).toThrow(/PUBLIC_BASE_URL/);
    expect(() => parseEnv(withSettings({ ENVIRONMENT: "production", DEV_MODE: "true", PUBLIC_BASE_URL: "https://tidings.example.com", EMAIL_HASH_KEY: "k" }))).toThrow(/DEV_MODE/);
  });

  it("refuses to start in production without its own EMAIL_HASH_KEY, which keeps the suppression list's hashes stable when SECRETS_KEY rotates", () => {
    const production = { ENVIRONMENT: "production", DEV_MODE: "false", PUBLIC_BASE_URL: "https://tidings.example.com" };
    expect(() => parseEnv(withSettings({ ...production, EMAIL_HASH_KEY: undefined }))).toThrow(/EMAIL_HASH_KEY/);
  });

  it("starts in production with an https PUBLIC_BASE_URL and an EMAIL_HASH_KEY, and elsewhere with the development default", () => {
    const production = { ENVIRONMENT: "production", DEV_MODE: "false", PUBLIC_BASE_URL: "https://tidings.example.com", EMAIL_HASH_KEY: "a-key-for-this-test-only" };
    expect(parseEnv(withSettings(production)).PUBLIC_BASE_URL).toBe("https://tidings.example.com");
    expect(parseEnv(withSettings({ ENVIRONMENT: "staging", PUBLIC_BASE_URL: undefined })).PUBLIC_BASE_URL).toBe("http://127.0.0.1:8787");
  });
});
