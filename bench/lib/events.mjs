// Realistic events for the demo organisation's three event types (scripts/lib/seed.mjs), mixed
// roughly as a project tool sends them: mostly comments, some deadlines (priority queue), few
// completions. Every recipient has an address of its own (one per event, or --recipients of them in
// the fan-out scenario), so each notification can be told apart at the provider.

const NAMES = [
  "Ada Lovelace",
  "Grace Hopper",
  "Alan Turing",
  "Katherine Johnson",
  "Edsger Dijkstra",
  "Barbara Liskov",
  "Donald Knuth",
  "Radia Perlman",
  "Ken Thompson",
  "Frances Allen",
];
const TASKS = [
  "Ship v1",
  "Migrate billing to Stripe",
  "Fix flaky login test",
  "Quarterly roadmap review",
  "Redesign onboarding emails",
  "Upgrade PostgreSQL to 16",
  "Write the incident report",
];
const PROJECTS = ["Atlas", "Borealis", "Cobalt", "Daybreak", "Ember"];
const COMMENTS = [
  "Looks good to me. Can we merge this before Friday's release?",
  "I left a few notes on the error handling; the retry path still swallows the original exception & its stack.",
  "Blocked on the design review — <strong>not</strong> ready yet. I'll ping the team tomorrow morning.",
  "Numbers from staging: p95 dropped from 840 ms to 210 ms after the index change. Nice work!",
  "Could you split this into two PRs? The schema change and the UI tweak should ship separately.",
];
const LOCALES = ["en", "en", "en", "de", "fr", "pt-BR"];
const ZONES = ["Europe/Paris", "America/New_York", "Asia/Tokyo", "UTC", "America/Sao_Paulo"];
/** The demo seed's one event type with `priority: high` (templates/demo/*.liquid front matter): it goes to the priority queue. */
export const HIGH_PRIORITY_TYPE = "task.deadline_approaching";

/**
 * @param {number} i      0-based index of the event in this run
 * @param {string} runId  makes addresses, recipient ids and idempotency keys unique per run
 * @param {{ oneQueue?: boolean, recipients?: number, priority?: "high" | "normal", perEvent?: number }} [options]
 *   oneQueue: comments instead of deadlines, so every notification goes to the normal queue (the
 *   depth scenario: one backlog, not two draining at different speeds, or the first-to-last ratio
 *   would measure the mix instead of the depth).
 *   recipients: events go round-robin to this many recipients (the digest scenario: many events
 *   each, spread over the run), and each recipient still gets the whole mix of event types.
 *   priority: "high" makes it a deadline (the seed's one high-priority type, HIGH_PRIORITY_TYPE);
 *   "normal" a comment or, 2 in 15, a completion (the default mix without its deadlines).
 *   perEvent: this many recipients per event (the fan-out scenario), each with an address of its own.
 */
export function makeEvent(i, runId, { oneQueue = false, recipients, priority, perEvent = 1 } = {}) {
  const r = recipients ? i % recipients : i;
  const roll = recipients ? (r + Math.floor(i / recipients)) % 20 : i % 20;
  const task = TASKS[i % TASKS.length];
  const project = PROJECTS[i % PROJECTS.length];
  const url = `https://app.example.com/${project.toLowerCase()}/tasks/${1000 + (i % 9000)}`;
  const person = (/** @type {string} */ suffix, /** @type {number} */ k) => ({
    id: `bench-${runId}-${suffix}`,
    email: `user${suffix}.${runId}@bench.example.com`,
    name: NAMES[k % NAMES.length],
    locale: LOCALES[k % LOCALES.length],
    timezone: ZONES[k % ZONES.length],
  });
  const people = perEvent > 1 ? Array.from({ length: perEvent }, (_, j) => person(`${i}-${j}`, i + j)) : [person(String(r), r)];
  /** @type {{ type: string, data: Record<string, unknown> }} */
  let event;
  const comment = priority ? priority === "normal" && i % 15 < 13 : roll < 13 || (oneQueue && roll < 18);
  const deadline = priority ? priority === "high" : roll < 18;
  if (comment) {
    event = { type: "comment.created", data: { author: NAMES[(i + 3) % NAMES.length], task, comment: COMMENTS[i % COMMENTS.length], url } };
  } else if (deadline) {
    event = { type: HIGH_PRIORITY_TYPE, data: { task, project, due: "tomorrow at 17:00", url } };
  } else {
    event = { type: "project.completed", data: { project, completedBy: NAMES[(i + 5) % NAMES.length], taskCount: 12 + (i % 80), url } };
  }
  return { ...event, recipients: people, idempotencyKey: `bench-${runId}-${i}` };
}
