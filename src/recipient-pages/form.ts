import { z } from "zod";
import { DEFAULT_DIGEST, DeliveryMode, DigestSchedule } from "../decide/preferences/model";
import type { ChoicePatch } from "../decide/preferences/store";
import type { PageCategory } from "./load";

/** The digest frequencies the page offers; a schedule set through the API that is none of them is kept as "current". */
export const FREQUENCIES = {
  hourly: DEFAULT_DIGEST,
  daily: DigestSchedule.parse({ kind: "daily", hour: 9 }),
  weekly: DigestSchedule.parse({ kind: "weekly", hour: 9, weekday: 1 }),
} as const satisfies Record<string, DigestSchedule>;
export type Frequency = keyof typeof FREQUENCIES;

const same = (a: DigestSchedule, b: DigestSchedule) => JSON.stringify(DigestSchedule.parse(a)) === JSON.stringify(DigestSchedule.parse(b));

export function frequencyOf(schedule: DigestSchedule): Frequency | "current" {
  const found = (Object.keys(FREQUENCIES) as Frequency[]).find((f) => same(FREQUENCIES[f], schedule));
  return found ?? "current";
}

const text = z.string().max(200);
const list = z.union([text, z.array(text)]).transform((v) => (Array.isArray(v) ? v : [v]));

/** The preference form as posted (form-urlencoded or multipart); per-category fields are read by name. */
export const PreferenceForm = z.looseObject({
  csrf: text.optional(),
  /** The categories the form showed as changeable: only these are read, so a category added since changes nothing. */
  categories: list.default([]),
  unsubscribeAll: z.literal("on").optional(),
  textOnly: z.literal("on").optional(),
  /** The form offered the format checkbox; without it (a page opened before it existed) the format is not read. */
  formatShown: z.literal("on").optional(),
});
export type PreferenceForm = z.infer<typeof PreferenceForm>;

export type Change =
  | { kind: "enabled"; category: string; enabled: boolean }
  | { kind: "delivery"; category: string; delivery: DeliveryMode; digest?: DigestSchedule }
  | { kind: "schedule"; category: string; digest: DigestSchedule }
  | { kind: "all"; unsubscribed: boolean }
  | { kind: "textOnly"; textOnly: boolean };

export type FormDiff = { patches: Record<string, ChoicePatch>; unsubscribedAll?: boolean; textOnly?: boolean; changes: Change[] };

const field = (form: Record<string, unknown>, name: string) => {
  const value = form[name];
  return typeof value === "string" ? value : undefined;
};

/**
 * What the recipient changed relative to what the page showed. Only settings that differ become
 * choices: saving an untouched form must not pin the organisation's defaults as the recipient's
 * own (they would stop following the defaults). Locked categories are never written.
 */
export function diffPreferenceForm(form: PreferenceForm, categories: PageCategory[], recipient: { unsubscribedAll: boolean; textOnly: boolean }): FormDiff {
  const diff: FormDiff = { patches: {}, changes: [] };
  const posted = new Set(form.categories);
  for (const current of categories) {
    const { category } = current;
    if (!posted.has(category) || current.locked) continue;
    const patch: ChoicePatch = {};
    const enabled = field(form, `enabled:${category}`) === "on";
    if (enabled !== current.enabled) {
      patch.enabled = enabled;
      diff.changes.push({ kind: "enabled", category, enabled });
    }
    const delivery = DeliveryMode.safeParse(field(form, `delivery:${category}`)).data ?? current.delivery;
    const frequency = field(form, `frequency:${category}`);
    const digest = frequency && frequency in FREQUENCIES ? FREQUENCIES[frequency as Frequency] : current.digest;
    const scheduleChanged = delivery === "digest" && !same(digest, current.digest);
    if (scheduleChanged) patch.digest = digest;
    if (delivery !== current.delivery) {
      patch.delivery = delivery;
      diff.changes.push({ kind: "delivery", category, delivery, ...(delivery === "digest" ? { digest } : {}) });
    } else if (scheduleChanged) {
      diff.changes.push({ kind: "schedule", category, digest });
    }
    if (Object.keys(patch).length) diff.patches[category] = patch;
  }
  const wantsOut = form.unsubscribeAll === "on";
  if (wantsOut !== recipient.unsubscribedAll) {
    diff.unsubscribedAll = wantsOut;
    diff.changes.push({ kind: "all", unsubscribed: wantsOut });
  }
  const wantsText = form.textOnly === "on";
  if (form.formatShown === "on" && wantsText !== recipient.textOnly) {
    diff.textOnly = wantsText;
    diff.changes.push({ kind: "textOnly", textOnly: wantsText });
  }
  return diff;
}
