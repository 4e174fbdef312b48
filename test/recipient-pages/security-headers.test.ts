import { describe, expect, it } from "vitest";
import { fetchPage, ONE_CLICK, pageSubject, postForm } from "../fixtures/recipient-pages";

const EXPECTED = {
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "cache-control": "no-store",
};

function expectSecure(res: { headers: Headers; text: string }, label: string) {
  for (const [name, value] of Object.entries(EXPECTED)) expect(res.headers.get(name), `${label}: ${name}`).toBe(value);
  const csp = res.headers.get("content-security-policy") ?? "";
  expect(csp, label).toMatch(/^default-src 'none'; style-src 'nonce-[A-Za-z0-9+/=]{24}'; img-src https: data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'$/);
  expect(csp, label).not.toContain("unsafe");
  expect(csp, label).not.toContain("script-src");
  expect(res.text, label).not.toMatch(/<script/i);
  // The one inline style carries this response's nonce.
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  if (res.text.startsWith("<!doctype html>")) expect(res.text, label).toContain(`<style nonce="${nonce}">`);
}

describe("security headers on the recipients' pages", () => {
  it("are sent on every page, error page and error envelope under /u and /p", async () => {
    const { sign } = await pageSubject();
    const withCategory = await sign("comments");
    const plain = await sign();
    const cases: [string, { headers: Headers; text: string }][] = [
      ["GET /u", await fetchPage(`/u/${withCategory}`)],
      ["GET /p", await fetchPage(`/p/${plain}`)],
      ["GET /u invalid", await fetchPage("/u/forged")],
      ["POST /p stale form", await postForm(`/p/${plain}`, [["csrf", "k2.1.x"]])],
      ["POST /u invalid", await postForm("/u/forged", ONE_CLICK)],
      ["POST /u", await postForm(`/u/${withCategory}`, ONE_CLICK)],
    ];
    for (const [label, res] of cases) expectSecure(res, label);
  });

  it("use a fresh nonce per response", async () => {
    const { sign } = await pageSubject();
    const token = await sign();
    const [a, b] = [await fetchPage(`/p/${token}`), await fetchPage(`/p/${token}`)];
    expect(a.headers.get("content-security-policy")).not.toBe(b.headers.get("content-security-policy"));
  });

  it("are not added to the JSON API", async () => {
    const res = await fetchPage("/health");
    expect(res.headers.get("content-security-policy")).toBeNull();
  });
});
