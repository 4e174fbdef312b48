import { type Change, FREQUENCIES, type Frequency, frequencyOf } from "../form";
import type { PageCategory, PageSubject } from "../load";
import { categoryLabel, describeSchedule, fill, type PageStrings } from "../strings";
import { Shell } from "./layout";

type Props = { strings: PageStrings; nonce: string; subject: PageSubject; categories: PageCategory[]; csrf: string; action: string };

/**
 * The preference centre: one fieldset per category, the email format, then the global unsubscribe.
 * A plain form that works without script; ids derive from category slugs, which are [a-z0-9_-] only.
 */
export function PreferenceCentre({ strings, nonce, subject, categories, csrf, action }: Props) {
  const organization = subject.organization.name;
  const unsubscribedAll = subject.recipient.unsubscribedAt !== null;
  return (
    <Shell title={strings.preferencesTitle} strings={strings} nonce={nonce} organization={subject.organization}>
      <h1>{strings.preferencesTitle}</h1>
      <p>{fill(strings.preferencesIntro, { organization })}</p>
      <form method="post" action={action}>
        <input type="hidden" name="csrf" value={csrf} />
        {categories.map((c) => (
          <CategoryFieldset strings={strings} organization={organization} category={c} />
        ))}
        <fieldset>
          <legend>{strings.formatLegend}</legend>
          {/* An unticked box sends nothing: this says the form offered it, so a page from before it existed leaves it alone. */}
          <input type="hidden" name="formatShown" value="on" />
          <div class="option">
            <input type="checkbox" id="text-only" name="textOnly" value="on" checked={subject.recipient.textOnly} />
            <label for="text-only">{strings.textOnlyLabel}</label>
          </div>
        </fieldset>
        <fieldset class="danger">
          <legend>{strings.everythingLegend}</legend>
          <div class="option">
            <input type="checkbox" id="unsubscribe-all" name="unsubscribeAll" value="on" checked={unsubscribedAll} aria-describedby="critical-note" />
            <label for="unsubscribe-all">{strings.unsubscribeAllLabel}</label>
          </div>
          {unsubscribedAll ? <p class="locked">{strings.unsubscribedAllNote}</p> : null}
          <p class="locked" id="critical-note">
            {strings.criticalStillSent}
          </p>
        </fieldset>
        <button type="submit">{strings.save}</button>
      </form>
    </Shell>
  );
}

function CategoryFieldset({ strings, organization, category: c }: { strings: PageStrings; organization: string; category: PageCategory }) {
  const label = categoryLabel(strings, c.category);
  const id = (part: string) => `${part}-${c.category}`;
  const current = frequencyOf(c.digest);
  if (c.locked) {
    // Shown so the recipient sees what they get, as text rather than disabled controls (which
    // are skipped by keyboard focus and read poorly); nothing of it is posted.
    return (
      <fieldset>
        <legend>{label}</legend>
        <p>
          {c.enabled
            ? `${strings.lockedOn} · ${c.delivery === "digest" ? `${strings.deliveryDigest} (${describeSchedule(strings, c.digest)})` : strings.deliveryImmediate}`
            : strings.lockedOff}
        </p>
        <p class="locked">{fill(strings.lockedNote, { organization })}</p>
      </fieldset>
    );
  }
  return (
    <fieldset>
      <legend>{label}</legend>
      <input type="hidden" name="categories" value={c.category} />
      <div class="option">
        <input type="checkbox" id={id("enabled")} name={`enabled:${c.category}`} value="on" checked={c.enabled} />
        <label for={id("enabled")}>{fill(strings.categoryEnabled, { category: label })}</label>
      </div>
      <fieldset>
        <legend>{strings.deliveryLegend}</legend>
        <div class="choices">
          {(["immediate", "digest"] as const).map((mode) => (
            <div class="option">
              <input type="radio" id={id(mode)} name={`delivery:${c.category}`} value={mode} checked={c.delivery === mode} />
              <label for={id(mode)}>{mode === "immediate" ? strings.deliveryImmediate : strings.deliveryDigest}</label>
            </div>
          ))}
        </div>
      </fieldset>
      <div class="select">
        <label for={id("frequency")}>{strings.frequencyLabel}</label>
        <select id={id("frequency")} name={`frequency:${c.category}`}>
          {current === "current" ? (
            <option value="current" selected>
              {capitalise(describeSchedule(strings, c.digest))}
            </option>
          ) : null}
          {(Object.keys(FREQUENCIES) as Frequency[]).map((f) => (
            <option value={f} selected={current === f}>
              {capitalise(describeSchedule(strings, FREQUENCIES[f]))}
            </option>
          ))}
        </select>
      </div>
    </fieldset>
  );
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** After saving: what changed, in the recipient's words, or that nothing did. */
export function SavedPage({
  strings,
  nonce,
  subject,
  changes,
  preferencesUrl,
}: {
  strings: PageStrings;
  nonce: string;
  subject: PageSubject;
  changes: Change[];
  preferencesUrl: string;
}) {
  return (
    <Shell title={strings.savedTitle} strings={strings} nonce={nonce} organization={subject.organization}>
      <h1>{strings.savedTitle}</h1>
      {changes.length ? (
        <>
          <p>{fill(strings.savedIntro, { organization: subject.organization.name })}</p>
          <ul class="changes">
            {changes.map((change) => (
              <li>{describeChange(strings, change)}</li>
            ))}
          </ul>
        </>
      ) : (
        <p>{strings.nothingChanged}</p>
      )}
      <p>
        <a href={preferencesUrl}>{strings.backToPreferences}</a>
      </p>
    </Shell>
  );
}

export function describeChange(strings: PageStrings, change: Change): string {
  if (change.kind === "all") return change.unsubscribed ? strings.changeUnsubscribedAll : strings.changeResubscribedAll;
  if (change.kind === "textOnly") return change.textOnly ? strings.changeTextOnlyOn : strings.changeTextOnlyOff;
  const category = categoryLabel(strings, change.category);
  switch (change.kind) {
    case "enabled":
      return fill(change.enabled ? strings.changeOn : strings.changeOff, { category });
    case "delivery":
      return change.digest ? fill(strings.changeDigest, { category, schedule: describeSchedule(strings, change.digest) }) : fill(strings.changeImmediate, { category });
    case "schedule":
      return fill(strings.changeSchedule, { category, schedule: describeSchedule(strings, change.digest) });
  }
}
