import type { UnsubscribeOutcome } from "../actions";
import type { PageSubject } from "../load";
import { categoryLabel, fill, type PageStrings } from "../strings";
import { Shell } from "./layout";

type Common = { strings: PageStrings; nonce: string; subject: PageSubject; preferencesUrl: string };

/**
 * What a GET on an unsubscribe link shows: the question and a button, nothing done yet (mail
 * scanners follow links). The button posts the same body a mailbox provider's one-click does.
 */
export function UnsubscribePage({ strings, nonce, subject, preferencesUrl, action, category, locked }: Common & { action: string; category?: string; locked: boolean }) {
  const organization = subject.organization.name;
  const label = category ? categoryLabel(strings, category) : undefined;
  return (
    <Shell title={strings.unsubscribeTitle} strings={strings} nonce={nonce} organization={subject.organization}>
      <h1>{strings.unsubscribeTitle}</h1>
      <p>{label && !locked ? fill(strings.unsubscribeCategoryQuestion, { category: label, organization }) : fill(strings.unsubscribeAllQuestion, { organization })}</p>
      {label && locked ? <p>{fill(strings.unsubscribeLockedNote, { category: label, organization })}</p> : null}
      <form method="post" action={action}>
        <input type="hidden" name="List-Unsubscribe" value="One-Click" />
        <input type="hidden" name="via" value="page" />
        <p>
          <button type="submit">{strings.unsubscribeButton}</button>
        </p>
      </form>
      <p class="muted">{strings.criticalStillSent}</p>
      <p>
        <a href={preferencesUrl}>{strings.managePreferences}</a>
      </p>
    </Shell>
  );
}

/** The answer to the one-click POST: a page for a person who pressed the button; providers ignore it. */
export function UnsubscribedPage({ strings, nonce, subject, preferencesUrl, outcome }: Common & { outcome: UnsubscribeOutcome }) {
  const organization = subject.organization.name;
  return (
    <Shell title={strings.unsubscribeTitle} strings={strings} nonce={nonce} organization={subject.organization}>
      <h1>{strings.unsubscribedTitle}</h1>
      <p>
        {outcome.scope === "category"
          ? fill(strings.unsubscribedCategory, { category: categoryLabel(strings, outcome.category), organization })
          : fill(strings.unsubscribedAll, { organization })}
      </p>
      <p class="muted">{strings.criticalStillSent}</p>
      <p>
        <a href={preferencesUrl}>{strings.managePreferences}</a>
      </p>
    </Shell>
  );
}

/** An invalid or expired link/form: says what happened and that nothing changed. */
export function MessagePage({
  strings,
  nonce,
  title,
  body,
  link,
  organization,
}: {
  strings: PageStrings;
  nonce: string;
  title: string;
  body: string;
  link?: { href: string; text: string };
  organization?: PageSubject["organization"];
}) {
  return (
    <Shell title={title} strings={strings} nonce={nonce} {...(organization ? { organization } : {})}>
      <h1>{title}</h1>
      <p>{body}</p>
      {link ? (
        <p>
          <a href={link.href}>{link.text}</a>
        </p>
      ) : null}
    </Shell>
  );
}
