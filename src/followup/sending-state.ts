import type { Caller } from "../context";
import { recordApiChange } from "../platform/audit/record";
import type { ApiKeyRole } from "../platform/auth/api-key";
import type { Services } from "../services";
import { countHeld, type GuardSettings, guardSettings, loadRates, type OrganizationRates } from "./guard";
import { loadQueueDepth, type QueueDepth } from "./queue-depth";
import { type ResumeReport, resumeSending } from "./resume";

/** Who may read the sending state and who may resume, through the API and the dashboard alike. */
export const SENDING_READERS: readonly ApiKeyRole[] = ["viewer", "editor", "admin"];
export const SENDING_RESUMERS: readonly ApiKeyRole[] = ["admin"];

/** What GET /v1/sending reports: the guard's rates and settings, the held emails and the queue. */
export type SendingSnapshot = { rates: OrganizationRates; held: number; queue: QueueDepth; guard: GuardSettings };

/** The organisation's sending state; undefined for an organisation that does not exist. */
export async function loadSendingState({ db, env, clock }: Services, organizationId: string): Promise<SendingSnapshot | undefined> {
  const guard = guardSettings(env);
  const [rates, held, queue] = await Promise.all([loadRates(db, [organizationId], guard.window), countHeld(db, organizationId), loadQueueDepth(db, organizationId, clock.now())]);
  const r = rates.get(organizationId);
  return r ? { rates: r, held, queue, guard } : undefined;
}

/** Resumes sending and writes the audit row the API writes. */
export async function resumeAudited(services: Services, caller: Caller): Promise<ResumeReport> {
  const report = await resumeSending(services, caller.organizationId);
  await recordApiChange(services.db, caller, { action: "sending.resume", targetType: "organization", targetId: caller.organizationId, details: report });
  return report;
}
