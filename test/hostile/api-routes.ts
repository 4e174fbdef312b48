import { it } from "vitest";
import { documentedRoutes, openApiDocument, requestsFor } from "./api-requests";
import { organizationUnderAttack } from "./organization";
import { attack, HOSTILE_TIMEOUT_MS } from "./run";

/**
 * Attacks one share of the documented API routes (every one but the webhooks, which have their own
 * suite): the routes are dealt round-robin over `shares` test files so vitest runs them side by
 * side, each route's thousand requests being mostly waits on the database, not CPU.
 */
export function attackApiRoutes(share: number, shares: number) {
  const doc = openApiDocument();
  const routes = documentedRoutes(doc)
    .filter((route) => !route.path.startsWith("/webhooks/"))
    .filter((_, i) => i % shares === share);
  it.each(routes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    "%s never answers 5xx, refuses in the error envelope, and a refusal changes nothing",
    async (_, route) => {
      const { org, known } = await organizationUnderAttack();
      await attack(org.organizationId, requestsFor(doc, route, known), { personal: false });
    },
    HOSTILE_TIMEOUT_MS,
  );
}
