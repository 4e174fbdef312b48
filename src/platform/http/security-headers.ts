import type { MiddlewareHandler } from "hono";

declare module "hono" {
  interface ContextVariableMap {
    /** This response's CSP nonce: the one inline <style> a page may carry must name it. */
    cspNonce: string;
  }
}

export type SecurityHeadersOptions = {
  /** Where images may come from; organisations' logos are https URLs. */
  imgSrc?: string;
  /**
   * Script, for the one page that runs any (the API reference at /docs): only elements carrying
   * this response's nonce, which may then fetch from this origin and nowhere else.
   */
  scripts?: boolean;
  /** Stylesheets allowed beside the nonce'd inline style, e.g. "'self'" for /docs' own. */
  styleSrc?: string;
  /** Frames, for the dashboard's template preview, which frames its own frame route: "'self'". */
  frameSrc?: string;
};

/**
 * Headers for the recipients' pages, whose URLs carry a bearer token: no script at all, the one
 * inline style allowed by a per-response nonce, no framing (clickjacking a one-click button), no
 * Referer (the token would leak to the logo's host), and nothing cached by browsers or proxies.
 * Set before the handler, so an error answered further out (onError) carries them too, and again
 * after it, over whatever a handler's own response said.
 */
export const securityHeaders = ({ imgSrc = "https: data:", scripts = false, styleSrc, frameSrc }: SecurityHeadersOptions = {}): MiddlewareHandler =>
  async function securityHeaders(c, next) {
    const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
    c.set("cspNonce", nonce);
    const policy = [
      "default-src 'none'",
      ...(scripts ? [`script-src 'nonce-${nonce}'`, "connect-src 'self'"] : []),
      `style-src ${styleSrc ? `${styleSrc} ` : ""}'nonce-${nonce}'`,
      `img-src ${imgSrc}`,
      ...(frameSrc ? [`frame-src ${frameSrc}`] : []),
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join("; ");
    const headers = {
      "Content-Security-Policy": policy,
      "X-Frame-Options": "DENY",
      "Referrer-Policy": "no-referrer",
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "no-store",
    };
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
    await next();
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
  };
