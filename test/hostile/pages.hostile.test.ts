import { describe, it } from "vitest";
import { pageSubject } from "../fixtures/recipient-pages";
import { pagePlans, pageRequest } from "./page-requests";
import { RECIPIENT_PAGE_ROUTES } from "./routes";
import { attack, HOSTILE_RUNS, HOSTILE_TIMEOUT_MS } from "./run";

describe(`every recipient page, under ${HOSTILE_RUNS} hostile requests: cut, altered and foreign tokens, forged CSRF, hostile forms`, () => {
  it.each(RECIPIENT_PAGE_ROUTES.map(([method, path]) => [`${method} ${path}`, method, path] as const))(
    "%s never answers 5xx, refuses in the error envelope (or a page with its code, for a browser), and a refusal changes nothing",
    async (_, method, path) => {
      const { organization, recipient } = await pageSubject();
      const claims = { organizationId: organization.organizationId, recipientId: recipient.id };
      const page = path.startsWith("/u/") ? "u" : "p";
      await attack(organization.organizationId, pagePlans, { personal: true, build: (plan) => pageRequest(method, page, plan, claims) });
    },
    HOSTILE_TIMEOUT_MS,
  );
});
