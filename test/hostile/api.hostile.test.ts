import { describe, it } from "vitest";
import { documentedRoutes, openApiDocument, requestsFor } from "./api-requests";
import { organizationUnderAttack } from "./organization";
import { attack, HOSTILE_RUNS, HOSTILE_TIMEOUT_MS } from "./run";

const doc = openApiDocument();
// Every documented route but the webhooks, which have their own suite (signatures, not keys).
const routes = documentedRoutes(doc).filter((route) => !route.path.startsWith("/webhooks/"));

describe(`every documented API route, under ${HOSTILE_RUNS} hostile requests`, () => {
  it.each(routes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    "%s never answers 5xx, refuses in the error envelope, and a refusal changes nothing",
    async (_, route) => {
      const { org, known } = await organizationUnderAttack();
      await attack(org.organizationId, requestsFor(doc, route, known), { personal: false });
    },
    HOSTILE_TIMEOUT_MS,
  );
});
