import { describe, expect, it } from "vitest";
import { DigestSchedule, type OrganizationDefault, type RecipientChoice } from "../../src/decide/preferences/model";
import { resolveDecision, resolvePreferences } from "../../src/decide/preferences/resolve";

const hourly = DigestSchedule.parse({ kind: "window", minutes: 60 });
const daily9 = DigestSchedule.parse({ kind: "daily", hour: 9 });

const orgDefault = (d: Partial<OrganizationDefault>): OrganizationDefault => ({ category: "comments", enabled: true, delivery: "immediate", digest: null, locked: false, ...d });
const choice = (c: Partial<RecipientChoice>): RecipientChoice => ({ category: "comments", ...c });

type Row = {
  name: string;
  defaults?: OrganizationDefault[];
  choices?: RecipientChoice[];
  unsubscribedAll?: boolean;
  critical?: boolean;
  expected: { action: "send" | "skip" | "digest"; rule: string; digest?: DigestSchedule };
};

const table: Row[] = [
  { name: "sends at once when nobody chose anything (system default)", expected: { action: "send", rule: "system_default" } },
  { name: "follows the organisation's immediate default", defaults: [orgDefault({})], expected: { action: "send", rule: "organization_immediate" } },
  {
    name: "follows the organisation's digest default with its schedule",
    defaults: [orgDefault({ delivery: "digest", digest: daily9 })],
    expected: { action: "digest", rule: "organization_digest", digest: daily9 },
  },
  {
    name: "uses a 60-minute window when a digest default has no schedule",
    defaults: [orgDefault({ delivery: "digest" })],
    expected: { action: "digest", rule: "organization_digest", digest: hourly },
  },
  {
    name: "skips when the organisation turned the category off by default",
    defaults: [orgDefault({ enabled: false })],
    expected: { action: "skip", rule: "organization_opt_out" },
  },
  { name: "lets the recipient opt out of a category", choices: [choice({ enabled: false })], expected: { action: "skip", rule: "recipient_opt_out" } },
  {
    name: "lets the recipient opt back in where the default is off",
    defaults: [orgDefault({ enabled: false })],
    choices: [choice({ enabled: true })],
    expected: { action: "send", rule: "organization_immediate" },
  },
  {
    name: "lets the recipient choose a digest over an immediate default",
    defaults: [orgDefault({})],
    choices: [choice({ delivery: "digest", digest: daily9 })],
    expected: { action: "digest", rule: "recipient_digest", digest: daily9 },
  },
  {
    name: "keeps the default's schedule when the recipient only chose digest delivery",
    defaults: [orgDefault({ digest: daily9 })],
    choices: [choice({ delivery: "digest" })],
    expected: { action: "digest", rule: "recipient_digest", digest: daily9 },
  },
  {
    name: "lets the recipient choose immediate over a digest default",
    defaults: [orgDefault({ delivery: "digest" })],
    choices: [choice({ delivery: "immediate" })],
    expected: { action: "send", rule: "recipient_immediate" },
  },
  {
    name: "treats a null choice as not chosen",
    defaults: [orgDefault({ delivery: "digest", digest: daily9 })],
    choices: [choice({ delivery: null, enabled: null })],
    expected: { action: "digest", rule: "organization_digest", digest: daily9 },
  },
  {
    name: "ignores the recipient's opt-out in a locked category",
    defaults: [orgDefault({ locked: true })],
    choices: [choice({ enabled: false })],
    expected: { action: "send", rule: "category_locked" },
  },
  {
    name: "ignores the recipient's digest choice in a locked category",
    defaults: [orgDefault({ locked: true })],
    choices: [choice({ delivery: "digest" })],
    expected: { action: "send", rule: "category_locked" },
  },
  {
    name: "skips a category the organisation locked off",
    defaults: [orgDefault({ enabled: false, locked: true })],
    choices: [choice({ enabled: true })],
    expected: { action: "skip", rule: "category_locked" },
  },
  {
    name: "digests a locked digest category whatever the recipient chose",
    defaults: [orgDefault({ delivery: "digest", digest: daily9, locked: true })],
    choices: [choice({ delivery: "immediate" })],
    expected: { action: "digest", rule: "category_locked", digest: daily9 },
  },
  {
    name: "skips everything non-critical after a global unsubscribe",
    unsubscribedAll: true,
    choices: [choice({ enabled: true })],
    expected: { action: "skip", rule: "unsubscribed_all" },
  },
  {
    name: "lets a global unsubscribe beat a locked category",
    unsubscribedAll: true,
    defaults: [orgDefault({ locked: true })],
    expected: { action: "skip", rule: "unsubscribed_all" },
  },
  { name: "sends critical mail despite a global unsubscribe", unsubscribedAll: true, critical: true, expected: { action: "send", rule: "critical" } },
  { name: "sends critical mail despite an opt-out", choices: [choice({ enabled: false })], critical: true, expected: { action: "send", rule: "critical" } },
  { name: "sends critical mail at once despite a digest preference", choices: [choice({ delivery: "digest" })], critical: true, expected: { action: "send", rule: "critical" } },
  { name: "applies a choice only to its own category", choices: [choice({ category: "tasks", enabled: false })], expected: { action: "send", rule: "system_default" } },
];

describe("preference resolution", () => {
  it.each(table)("$name", ({ defaults = [], choices = [], unsubscribedAll = false, critical = false, expected }) => {
    const preferences = resolvePreferences({ unsubscribedAll, defaults, choices });
    const decision = resolveDecision(preferences, { category: "comments", critical });
    expect(decision).toEqual(expected.digest ? expected : { action: expected.action, rule: expected.rule });
  });

  it("reports where each effective setting came from", () => {
    const preferences = resolvePreferences({
      unsubscribedAll: false,
      defaults: [orgDefault({ delivery: "digest", digest: daily9 })],
      choices: [choice({ enabled: true, digest: hourly })],
    });
    expect(preferences.categories.comments).toEqual({
      enabled: true,
      delivery: "digest",
      digest: hourly,
      locked: false,
      source: { enabled: "recipient", delivery: "organization", digest: "recipient" },
    });
  });
});
