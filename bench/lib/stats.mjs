/**
 * Nearest-rank percentile of an ascending array; undefined when empty.
 * @param {number[]} sorted
 * @param {number} p  0..100
 */
export function percentile(sorted, p) {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** @param {number[]} values @returns {{ n: number, p50?: number, p95?: number, p99?: number, max?: number, mean?: number }} */
export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return { n: 0 };
  const mean = sorted.reduce((s, v) => s + v, 0) / sorted.length;
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted[sorted.length - 1], mean };
}

/** Events per second over a window in ms; undefined for an empty window. @param {number} count @param {number} ms */
export const rate = (count, ms) => (ms > 0 ? (count * 1000) / ms : undefined);
