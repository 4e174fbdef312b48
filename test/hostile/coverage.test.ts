import { describe, expect, it } from "vitest";
import { newApp } from "../../src/app";
import { documentedRoutes, openApiDocument } from "./api-requests";
import { DASHBOARD_ROUTES, RECIPIENT_PAGE_ROUTES } from "./routes";

/** Routes that read nothing a client sends (the document itself, the API reference and its assets), or exist only with DEV_MODE. */
const OUTSIDE_THE_SUITE = new Set(["GET /openapi.json", "GET /docs", "GET /dev/outbox", "DELETE /dev/outbox"]);
const isOutsideTheSuite = (route: string) => OUTSIDE_THE_SUITE.has(route) || route.startsWith("GET /docs/assets/");

describe("the hostile-input suite", () => {
  it("attacks every route the Worker serves: each documented API and webhook route, each recipient page and each dashboard page", () => {
    const attacked = new Set([
      ...documentedRoutes(openApiDocument()).map((r) => `${r.method} ${r.path.replace(/\{(\w+)\}/g, ":$1")}`),
      ...RECIPIENT_PAGE_ROUTES.map(([m, p]) => `${m} ${p}`),
      ...DASHBOARD_ROUTES.map(([m, p]) => `${m} ${p}`),
    ]);
    const served = [
      ...new Set(
        newApp()
          .routes.filter((r) => r.method !== "ALL")
          .map((r) => `${r.method} ${r.path}`),
      ),
    ];
    expect(served.filter((route) => !attacked.has(route) && !isOutsideTheSuite(route))).toEqual([]);
  });

  it("publishes every string pattern in the OpenAPI document as a plain ECMAScript pattern, without a regex flag glued to its end, so generated clients and this suite read it as written", () => {
    const patterns: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === "object") {
        for (const [key, value] of Object.entries(node)) {
          if (key === "pattern" && typeof value === "string") patterns.push(value);
          else walk(value);
        }
      }
    };
    walk(openApiDocument());
    expect(patterns.length).toBeGreaterThan(0);
    // zod-to-openapi writes a flagged regex's source followed by "/" and its flags, e.g. "^[a-z]+$/i".
    expect(patterns.filter((p) => /\/[dgimsuvy]+$/.test(p))).toEqual([]);
  });
});
