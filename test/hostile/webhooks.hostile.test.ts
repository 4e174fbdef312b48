import { describe, it } from "vitest";
import { documentedRoutes, openApiDocument } from "./api-requests";
import { organizationUnderAttack } from "./organization";
import { attack, HOSTILE_RUNS, HOSTILE_TIMEOUT_MS } from "./run";
import { type Vendor, webhookPlans, webhookRequest, webhookTargets } from "./webhook-requests";

const routes = documentedRoutes(openApiDocument()).filter((route) => route.path.startsWith("/webhooks/"));

describe(`every webhook route, under ${HOSTILE_RUNS} hostile requests: unsigned, forged, stale, re-signed and genuinely signed hostile events`, () => {
  it.each(routes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    "%s never answers 5xx, refuses in the error envelope, and a refusal changes nothing",
    async (_, route) => {
      const vendor = route.path.split("/")[2] as Vendor;
      const configured = route.path.includes("{providerConfigId}");
      const { org, email, notificationId } = await organizationUnderAttack();
      const targets = await webhookTargets(org.apiKey);
      await attack(org.organizationId, webhookPlans(vendor, configured, targets, { email, notificationId }), {
        personal: false,
        build: (plan) => webhookRequest(vendor, plan, targets, configured),
      });
    },
    HOSTILE_TIMEOUT_MS,
  );
});
