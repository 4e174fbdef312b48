import { env } from "cloudflare:test";
import fc from "fast-check";
import { expect } from "vitest";
import { organizationLedger } from "./ledger";
import { describeRequest, expectAnswered, type HostileRequest, send } from "./request";

/**
 * Each route's requests come from a seed of its own, fixed by the test's name, so a run is
 * reproducible and CI judges the same requests every time; HOSTILE_SEED=random (or a number)
 * explores further, and a failure prints the seed and the smallest failing request.
 */
const HOSTILE_SEED = (env as { HOSTILE_SEED?: string }).HOSTILE_SEED;
function seedFor(testName: string): number | undefined {
  if (HOSTILE_SEED === "random") return undefined;
  if (HOSTILE_SEED !== undefined && HOSTILE_SEED !== "") return Number(HOSTILE_SEED);
  let hash = 0x811c9dc5;
  for (let i = 0; i < testName.length; i++) hash = Math.imul(hash ^ testName.charCodeAt(i), 0x01000193);
  return hash | 0;
}

/** 1,000 per route in `npm test`; HOSTILE_RUNS=50 for a quick local pass. */
export const HOSTILE_RUNS = Number((env as { HOSTILE_RUNS?: string }).HOSTILE_RUNS ?? 1_000);

/** GETs that write their own audit row (exports of a person's data): they may add to audit_log and nothing else. */
const AUDITED_READS = /^\/v1\/recipients\/[^/]+\/export$/;

/** Long enough for 1,000 requests and the waits after accepted ones on a 2-core machine. */
export const HOSTILE_TIMEOUT_MS = 900_000;

/**
 * Throws hostile requests (`plans`, built into requests by `route.build`) at the Worker: every answer must be well formed (expectAnswered) and every
 * refused request or GET must leave the organisation's rows as they were. Some requests must get
 * past authentication, or the route's own checks were never reached.
 */
export async function attack<Plan>(organizationId: string, plans: fc.Arbitrary<Plan>, route: { personal: boolean; build?: (plan: Plan) => Promise<HostileRequest> }) {
  const ledger = await organizationLedger(organizationId);
  const statuses = new Map<number, number>();
  try {
    await fc.assert(
      fc.asyncProperty(plans, async (plan) => {
        // A plan is the request itself unless the route signs or fetches something to make one.
        const req = route.build ? await route.build(plan) : (plan as HostileRequest);
        const answer = await send(req);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const verdict = expectAnswered(req, answer, route);
        const read = req.method === "GET" ? (AUDITED_READS.test(req.path) && verdict !== "refused" ? "audited read" : "unchanged") : "may change";
        await ledger.after(verdict === "refused" ? "unchanged" : read, () => describeRequest(req));
      }),
      { numRuns: HOSTILE_RUNS, seed: seedFor(expect.getState().currentTestName ?? "") },
    );
  } finally {
    await ledger.close();
  }
  const pastAuthentication = [...statuses.keys()].filter((status) => status !== 401 && status !== 403);
  expect(pastAuthentication, `answers by status: ${JSON.stringify([...statuses])}`).not.toEqual([]);
}
