import { DEFAULT_DIGEST, type DecisionRule, type EffectiveCategory, type OrganizationDefault, type RecipientChoice, type Resolution, type ResolvedPreferences } from "./model";

const SYSTEM_DEFAULT: EffectiveCategory = {
  enabled: true,
  delivery: "immediate",
  digest: DEFAULT_DIGEST,
  locked: false,
  source: { enabled: "system", delivery: "system", digest: "system" },
};

/**
 * One category's settings: the recipient's choice where they made one, else the organisation's
 * default, else the system's. A locked default ignores the recipient entirely.
 */
export function resolveCategory(organizationDefault: OrganizationDefault | undefined, choice: RecipientChoice | undefined): EffectiveCategory {
  const d = organizationDefault;
  const base: EffectiveCategory = d
    ? {
        enabled: d.enabled,
        delivery: d.delivery,
        digest: d.digest ?? DEFAULT_DIGEST,
        locked: d.locked,
        source: { enabled: "organization", delivery: "organization", digest: d.digest ? "organization" : "system" },
      }
    : SYSTEM_DEFAULT;
  if (!choice || base.locked) return base;
  const own = (key: "enabled" | "delivery" | "digest") => choice[key] !== null && choice[key] !== undefined;
  return {
    enabled: choice.enabled ?? base.enabled,
    delivery: choice.delivery ?? base.delivery,
    digest: choice.digest ?? base.digest,
    locked: false,
    source: {
      enabled: own("enabled") ? "recipient" : base.source.enabled,
      delivery: own("delivery") ? "recipient" : base.source.delivery,
      digest: own("digest") ? "recipient" : base.source.digest,
    },
  };
}

/** A recipient's preferences over every category either side has said something about. */
export function resolvePreferences(input: { unsubscribedAll: boolean; defaults: OrganizationDefault[]; choices: RecipientChoice[] }): ResolvedPreferences {
  const defaults = new Map(input.defaults.map((d) => [d.category, d]));
  const choices = new Map(input.choices.map((c) => [c.category, c]));
  const categories: Record<string, EffectiveCategory> = {};
  for (const category of new Set([...defaults.keys(), ...choices.keys()])) {
    categories[category] = resolveCategory(defaults.get(category), choices.get(category));
  }
  return { unsubscribedAll: input.unsubscribedAll, categories };
}

export function effectiveCategory(preferences: ResolvedPreferences, category: string): EffectiveCategory {
  return preferences.categories[category] ?? SYSTEM_DEFAULT;
}

/**
 * What to do with one notification, and the rule that decided. Order matters: critical mail
 * (password reset, security alert) ignores opt-outs and digests; the global unsubscribe beats an
 * organisation's lock, since a person's "stop all of it" must hold for everything non-critical.
 */
export function resolveDecision(preferences: ResolvedPreferences, notification: { category: string; critical: boolean }): Resolution {
  if (notification.critical) return { action: "send", rule: "critical" };
  if (preferences.unsubscribedAll) return { action: "skip", rule: "unsubscribed_all" };
  const c = effectiveCategory(preferences, notification.category);
  if (!c.enabled) return { action: "skip", rule: c.locked ? "category_locked" : optOutRule(c) };
  if (c.delivery === "digest") return { action: "digest", rule: c.locked ? "category_locked" : digestRule(c), digest: c.digest };
  return { action: "send", rule: c.locked ? "category_locked" : immediateRule(c) };
}

const optOutRule = (c: EffectiveCategory): DecisionRule => (c.source.enabled === "recipient" ? "recipient_opt_out" : "organization_opt_out");
const digestRule = (c: EffectiveCategory): DecisionRule => (c.source.delivery === "recipient" ? "recipient_digest" : "organization_digest");
function immediateRule(c: EffectiveCategory): DecisionRule {
  if (c.source.delivery === "recipient") return "recipient_immediate";
  return c.source.delivery === "organization" ? "organization_immediate" : "system_default";
}
