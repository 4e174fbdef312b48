import { describe, it } from "vitest";
import { type DashboardPlan, dashboardPlans, dashboardRequest } from "./dashboard-requests";
import { organizationUnderAttack } from "./organization";
import { DASHBOARD_ROUTES } from "./routes";
import { attack, HOSTILE_RUNS, HOSTILE_TIMEOUT_MS } from "./run";

describe(`every dashboard route, under ${HOSTILE_RUNS} hostile requests: forged, cut and expired sessions, forged CSRF, hostile keys and forms`, () => {
  it.each(DASHBOARD_ROUTES.map(([method, path]) => [`${method} ${path}`, method, path] as const))(
    "%s never answers 5xx, refuses in the error envelope (or a page with its code, for a browser), and a refusal changes nothing",
    async (_, method, path) => {
      const { org, known, notificationId } = await organizationUnderAttack();
      const subject = { organizationId: org.organizationId, keys: known.keys, notificationId };
      await attack(org.organizationId, dashboardPlans, { personal: true, build: (plan: DashboardPlan) => dashboardRequest(method, path, plan, subject) });
    },
    HOSTILE_TIMEOUT_MS,
  );
});
