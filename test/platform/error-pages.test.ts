import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../src/platform/errors";
import { BROWSER_ACCEPT } from "../fixtures/http";
import { fetchDashboard } from "../fixtures/dashboard";
import { fetchPage } from "../fixtures/recipient-pages";

const envelopeOf = (text: string) => JSON.parse(text) as ErrorBody;

describe("people's pages answer a browser with a page and any other client with the error envelope", () => {
  it("shows a browser the invalid-link page, with the code in a header", async () => {
    const res = await fetchPage("/u/forged.token", { headers: { accept: BROWSER_ACCEPT } });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(res.headers.get("tidings-error-code")).toBe("NOT_FOUND");
  });

  it("tells a scanner that does not ask for HTML the same in the envelope", async () => {
    const res = await fetchPage("/p/forged.token", { headers: { accept: "*/*" } });
    expect(res.status).toBe(404);
    expect(envelopeOf(res.text).error.code).toBe("NOT_FOUND");
    expect(res.headers.get("tidings-error-code")).toBe("NOT_FOUND");
  });

  it("redirects a browser without a session to sign in, and answers a script 401", async () => {
    const browser = await fetchDashboard("/dashboard/audit");
    expect(browser.status).toBe(303);
    expect(browser.headers.get("location")).toBe("/dashboard/login");
    const script = await fetchDashboard("/dashboard/audit", { accept: "application/json" });
    expect(script.status).toBe(401);
    expect(envelopeOf(script.text).error.code).toBe("UNAUTHORIZED");
  });

  it("refuses a forged sign-in form in the envelope when no browser asks", async () => {
    const res = await fetchDashboard("/dashboard/login", {
      accept: "application/json",
      form: [
        ["csrf", "forged"],
        ["apiKey", "tid_x"],
      ],
    });
    expect(res.status).toBe(403);
    expect(envelopeOf(res.text).error.code).toBe("FORBIDDEN");
  });
});
