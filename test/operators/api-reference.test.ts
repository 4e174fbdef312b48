import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";

const get = (path: string, headers: Record<string, string> = {}) => SELF.fetch(`https://tidings.test${path}`, { headers });

/** The directives of a Content-Security-Policy header, by name. */
const directives = (policy: string | null) =>
  new Map(
    (policy ?? "")
      .split(";")
      .map((d) => d.trim().split(/\s+/) as [string, ...string[]])
      .map(([name, ...values]) => [name, values]),
  );

describe("the API reference at /docs", () => {
  it("is public: a browser without a key gets the page, which renders /openapi.json", async () => {
    const res = await get("/docs", { accept: "text/html" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain("<title>Tidings API reference</title>");
    expect(html).toContain("url: '/openapi.json'");
  });

  it("runs only its own nonce'd scripts, served from this origin, under a CSP that allows nothing else", async () => {
    const res = await get("/docs");
    const csp = directives(res.headers.get("content-security-policy"));
    const nonce = csp.get("script-src")?.[0]?.match(/^'nonce-(.+)'$/)?.[1];
    expect(nonce, res.headers.get("content-security-policy") ?? "no CSP").toBeTruthy();
    expect(csp.get("default-src")).toEqual(["'none'"]);
    expect(csp.get("script-src")).toEqual([`'nonce-${nonce}'`]);
    expect(csp.get("connect-src")).toEqual(["'self'"]);
    expect(csp.get("style-src")).toEqual(["'self'", `'nonce-${nonce}'`]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(res.headers.get("cache-control")).toBe("no-store");

    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBe(2);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    const urls = [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? "").filter((url) => url !== "data:,");
    expect(urls.length).toBe(2);
    for (const url of urls) expect(url).toMatch(/^\/docs\/assets\//);
  });

  it("serves Swagger UI's script and stylesheet from the Worker, cacheable for good under their versioned paths", async () => {
    const html = await (await get("/docs")).text();
    const script = html.match(/<script[^>]*src="([^"]+)"/)?.[1] ?? "";
    const stylesheet = html.match(/<link rel="stylesheet"[^>]*href="([^"]+)"/)?.[1] ?? "";
    const js = await get(script);
    expect(js.status, script).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await js.text()).toContain("SwaggerUIBundle");
    const css = await get(stylesheet);
    expect(css.status, stylesheet).toBe(200);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect((await css.text()).length).toBeGreaterThan(10_000);
  });

  it("leaves every other page's policy as it was: no script on the dashboard or the recipients' pages", async () => {
    for (const path of ["/dashboard/login", "/u/not-a-token"]) {
      const csp = directives((await get(path, { accept: "text/html" })).headers.get("content-security-policy"));
      expect(csp.get("default-src"), path).toEqual(["'none'"]);
      expect(csp.has("script-src"), path).toBe(false);
      expect(csp.has("connect-src"), path).toBe(false);
    }
  });
});
