import { f } from "./report.mjs";

/**
 * The table rows of the warm-up, the fixed-rate mode, the mixed-priority and the fan-out scenarios, for those present.
 * @param {{ warmUp?: ReturnType<typeof import("./warm-up.mjs").splitWarmUp>["figures"], schedule?: ReturnType<typeof import("./open-loop.mjs").scheduleFigures>, priority?: ReturnType<typeof import("./mixed-priority.mjs").priorityFigures>, fanOut?: ReturnType<typeof import("./fan-out.mjs").fanOutFigures> }} r
 * @returns {[string, string, string?][]}
 */
export function scenarioRows({ warmUp: w, schedule: s, priority: p, fanOut: o }) {
  /** @type {[string, string, string?][]} */
  const rows = [];
  if (w) {
    rows.push([
      "warm-up before the run (in no other figure)",
      `${f(w.accepted)} notifications: ${f(w.delivered)} delivered, ${f(w.failed)} failed, ${f(w.lost)} lost, ${f(w.duplicates)} duplicates`,
    ]);
  }
  if (s) {
    rows.push(
      ["fixed rate: starts per second, asked / achieved", `${f(s.rate, 1)} / ${f(s.achievedStartsPerSecond, 1)} (${f(s.acceptedPerSecond, 1)} accepted/s)`],
      [
        "fixed rate: late starts / skipped (in-flight cap) / past deadline",
        `${f(s.late)} (max ${f(s.maxLateMs)} ms) / ${f(s.skipped)} / ${f(s.notReached)}; peak ${f(s.peakInFlight)} in flight`,
      ],
    );
  }
  if (p) {
    const l = (/** @type {{ n: number, p50?: number, p95?: number, max?: number }} */ x) => `${f(x.p50)} / ${f(x.p95)} / ${f(x.max)} ms`;
    rows.push(
      ["high priority: delivered of accepted", `${f(p.high.latencyMs.n)} of ${f(p.high.accepted)} (${f(p.highSharePercent, 1)} % of notifications)`],
      ["high priority: end-to-end p50 / p95 / max", l(p.high.latencyMs), "p95 ≤ 1,000 ms at half the peak rate"],
      ["normal: delivered of accepted", `${f(p.normal.latencyMs.n)} of ${f(p.normal.accepted)}`],
      ["normal: end-to-end p50 / p95 / max", l(p.normal.latencyMs), "p95 ≤ 1,000 ms at half the peak rate"],
    );
  }
  if (o) {
    rows.push(
      ["fan-out: recipients per event", f(o.recipientsPerEvent, 1)],
      ["fan-out: recipients ingested / delivered per second", `${f(o.recipientsIngestedPerSecond, 1)} / ${f(o.recipientsDeliveredPerSecond, 1)}`],
      ["fan-out: emails per second at the provider", f(o.emailsPerSecond, 1)],
      ["fan-out: Worker CPU per recipient delivered / per event", `${f(o.workerCpuMsPerRecipient, 3)} / ${f(o.workerCpuMsPerEvent, 1)} ms`, "≤ 0.3 ms per recipient"],
    );
  }
  return rows;
}
