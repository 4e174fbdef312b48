import { runStatement, statement } from "../platform/db/statement";
import type { Database } from "../platform/db/client";
import type { Col, RowOf } from "../platform/db/rows";
import type { eventTypes, events, layouts, notificationRules, notifications, organizations, recipients, templates, templateVersions } from "../platform/db/schema";
import type { QuietHours } from "../decide/timing/quiet-hours-schema";
import type { LocaleVariants } from "../platform/db/schema/template-versions";
import { type OpenError, openEventData, openRecipient } from "../platform/crypto/personal-data";
import type { SealingKeys } from "../platform/crypto/sealed-box";

/** A notification this consumer now owns, with everything needed to render and send it. */
export type ClaimedNotification = {
  id: string;
  organizationId: string;
  /** The claim's token: later writes only land while `attempts` still equals it. */
  attempt: number;
  retryRounds: number;
  eventId: string;
  eventType: string;
  /** The event type's category and whether it is critical (bypasses opt-outs and digests). */
  category: string;
  critical: boolean;
  /** False when the event type keeps no content: the event's data is emptied once its mail is sent (src/send/drop-content.ts). */
  retainContent: boolean;
  /** The event type's rule that made it, with its throttle; null for an event type without rules. */
  rule: { id: string; key: string; throttle: Throttle | null } | null;
  /** The quiet hours that apply: the recipient's own, else the organisation's; null for none. */
  quietHours: QuietHours | null;
  /** The recipient's internal id (recipient.id is the organisation's own id for them). */
  recipientId: string;
  data: Record<string, unknown>;
  recipient: { id: string; email: string; name: string | null; locale: string | null; timezone: string | null; textOnly: boolean };
  organization: {
    name: string;
    fromEmail: string;
    fromName: string | null;
    replyTo: string | null;
    branding: Record<string, unknown>;
    timezone: string;
    /** The bounce-rate guard paused the organisation's non-critical mail. */
    paused: boolean;
  };
  /** The organisation's branding layout, when it replaced the built-in one. */
  layout: { id: string; version: number; source: string } | null;
  /** `id` is the version row's id: immutable, so it keys the render caches safely. */
  template: { id: string; templateId: string; version: number; defaultLocale: string; subject: string; html: string; text: string | null; locales: LocaleVariants };
};

/** At most `limit` emails of one rule per recipient per `windowSeconds`; the rest are skipped or digested. */
export type Throttle = { limit: number; windowSeconds: number; overflow: "skip" | "digest" };

type N = typeof notifications;
type NR = typeof notificationRules;
type R = typeof recipients;
type O = typeof organizations;
type TV = typeof templateVersions;

/** The claim statement's row: every column typed from the schema, under the name the statement gives it. */
type ClaimRow = RowOf<N, "id" | "organization_id" | "attempts" | "retry_rounds" | "event_id" | "recipient_id"> & {
  event_type: Col<typeof events, "type">;
  category: Col<typeof eventTypes, "category">;
  critical: Col<typeof eventTypes, "critical">;
  retain_content: Col<typeof eventTypes, "retain_content">;
  data: Record<string, unknown>;
  data_sealed: Col<typeof events, "data_sealed">;
  email_sealed: Col<R, "email_sealed">;
  name_sealed: Col<R, "name_sealed">;
  recipient_external_id: Col<R, "external_id">;
  recipient_name: Col<R, "name">;
  organization_name: Col<O, "name">;
  organization_timezone: Col<O, "timezone">;
  organization_paused: boolean;
  layout_id: Col<typeof layouts, "id"> | null;
  layout_version: Col<typeof layouts, "version"> | null;
  layout_source: Col<typeof layouts, "source"> | null;
  version_id: Col<TV, "id">;
  template_id: Col<typeof templates, "id">;
  template_version: Col<TV, "version">;
  rule_id: Col<NR, "id"> | null;
  rule_key: Col<NR, "key"> | null;
  throttle_limit: Col<NR, "throttle_limit">;
  throttle_window_seconds: Col<NR, "throttle_window_seconds">;
  throttle_overflow: Col<NR, "throttle_overflow"> | null;
  recipient_quiet_hours: Col<R, "quiet_hours">;
  organization_quiet_hours: Col<O, "quiet_hours">;
} & RowOf<R, "email" | "locale" | "timezone" | "text_only"> &
  RowOf<O, "from_email" | "from_name" | "reply_to" | "branding"> &
  RowOf<TV, "default_locale" | "subject" | "html" | "text" | "locales">;

/** A claimed notification whose sealed address, name or data did not open (a key missing from the deployment). */
export type UnreadableClaim = { id: string; error: OpenError };

/**
 * `pending|queued → sending` (and `scheduled` whose time has come, from a delayed message) for the given ids in one statement, with a lease, and returns the
 * claimed rows joined with what rendering needs, personal data opened. An id that is already
 * sending, sent or failed is not returned, which is what stops a redelivered or concurrent message
 * from sending twice. Rows come oldest event first, so a digest window receives its items in the
 * order they happened.
 */
export async function claimNotifications(
  db: Database,
  ids: string[],
  leaseSeconds: number,
  keys: SealingKeys | undefined,
  /** Whether a `scheduled` row is due is judged by the services' clock, as its due time was set by it. */
  now: Date = new Date(),
): Promise<{ claimed: ClaimedNotification[]; unreadable: UnreadableClaim[] }> {
  if (ids.length === 0) return { claimed: [], unreadable: [] };
  const rows = await runStatement<ClaimRow>(
    db,
    statement`
    WITH claimed AS (
      UPDATE notifications
         SET status = 'sending', attempts = attempts + 1,
             lease_expires_at = now() + make_interval(secs => ${leaseSeconds}), updated_at = now()
       WHERE id = ANY(${`{${ids.join(",")}}`}::uuid[])
         AND (status IN ('pending', 'queued') OR (status = 'scheduled' AND retry_at <= ${now.toISOString()}::timestamptz + interval '1 second'))
       RETURNING id, organization_id, attempts, retry_rounds, event_id, recipient_id, event_type_id, rule_id
    )
    SELECT c.id, c.organization_id, c.attempts, c.retry_rounds, c.event_id, e.type AS event_type, coalesce(nr.category, et.category) AS category,
           coalesce(nr.critical, et.critical) AS critical, et.retain_content, c.recipient_id, e.data, e.data_sealed,
           nr.id AS rule_id, nr.key AS rule_key, nr.throttle_limit, nr.throttle_window_seconds, nr.throttle_overflow,
           r.quiet_hours AS recipient_quiet_hours, o.quiet_hours AS organization_quiet_hours,
           r.external_id AS recipient_external_id, r.email, r.email_sealed, r.name AS recipient_name, r.name_sealed, r.locale, r.timezone, r.text_only,
           o.name AS organization_name, o.from_email, o.from_name, o.reply_to, o.branding, o.timezone AS organization_timezone,
           o.sending_paused_at IS NOT NULL AS organization_paused,
           l.id AS layout_id, l.version AS layout_version, l.source AS layout_source,
           tv.id AS version_id, t.id AS template_id, tv.version AS template_version, tv.default_locale,
           tv.subject, tv.html, tv.text, tv.locales
      FROM claimed c
      JOIN events e ON e.id = c.event_id
      JOIN recipients r ON r.id = c.recipient_id
      JOIN organizations o ON o.id = c.organization_id
      JOIN event_types et ON et.id = c.event_type_id
      LEFT JOIN notification_rules nr ON nr.id = c.rule_id
      JOIN templates t ON t.id = coalesce(nr.template_id, et.template_id)
      JOIN template_versions tv ON tv.template_id = t.id AND tv.version = t.published_version
      LEFT JOIN layouts l ON l.organization_id = c.organization_id AND l.key = 'branding'
     ORDER BY e.created_at, c.id`,
  );
  const claimed: ClaimedNotification[] = [];
  const unreadable: UnreadableClaim[] = [];
  // An event's data is opened once for all its recipients in the batch (a fan-out event brings
  // many), and every row's values are opened at once rather than one row after another.
  const eventData = new Map<string, ReturnType<typeof openEventData>>();
  const dataOf = (row: ClaimRow) => {
    let opened = eventData.get(row.event_id);
    if (!opened) {
      opened = openEventData(keys, row.organization_id, row.event_id, { sealed: row.data_sealed, plain: row.data });
      eventData.set(row.event_id, opened);
    }
    return opened;
  };
  const opened = await Promise.all(
    rows.map(async (row) => {
      const [person, data] = await Promise.all([
        openRecipient(keys, row.organization_id, row.recipient_id, {
          email: { sealed: row.email_sealed, plain: row.email },
          name: { sealed: row.name_sealed, plain: row.recipient_name },
        }),
        dataOf(row),
      ]);
      return { row, person, data };
    }),
  );
  for (const { row, person, data } of opened) {
    if (!person.ok) unreadable.push({ id: row.id, error: person.error });
    else if (!data.ok) unreadable.push({ id: row.id, error: data.error });
    else claimed.push(toClaimed(row, person.value, data.value));
  }
  return { claimed, unreadable };
}

function toClaimed(row: ClaimRow, person: { email: string; name: string | null }, data: Record<string, unknown>): ClaimedNotification {
  return {
    id: row.id,
    organizationId: row.organization_id,
    attempt: row.attempts,
    retryRounds: row.retry_rounds,
    eventId: row.event_id,
    eventType: row.event_type,
    category: row.category,
    critical: row.critical,
    retainContent: row.retain_content,
    rule: row.rule_id && row.rule_key !== null ? { id: row.rule_id, key: row.rule_key, throttle: throttleOf(row) } : null,
    quietHours: row.recipient_quiet_hours === false ? null : (row.recipient_quiet_hours ?? row.organization_quiet_hours ?? null),
    recipientId: row.recipient_id,
    data,
    recipient: { id: row.recipient_external_id, email: person.email, name: person.name, locale: row.locale, timezone: row.timezone, textOnly: row.text_only },
    organization: {
      name: row.organization_name,
      fromEmail: row.from_email,
      fromName: row.from_name,
      replyTo: row.reply_to,
      branding: row.branding,
      timezone: row.organization_timezone,
      paused: row.organization_paused,
    },
    layout: row.layout_id && row.layout_version !== null && row.layout_source !== null ? { id: row.layout_id, version: row.layout_version, source: row.layout_source } : null,
    template: {
      id: row.version_id,
      templateId: row.template_id,
      version: row.template_version,
      defaultLocale: row.default_locale,
      subject: row.subject,
      html: row.html,
      text: row.text,
      locales: row.locales,
    },
  };
}

function throttleOf(row: ClaimRow): Throttle | null {
  if (row.throttle_limit === null || row.throttle_window_seconds === null) return null;
  return { limit: row.throttle_limit, windowSeconds: row.throttle_window_seconds, overflow: row.throttle_overflow ?? "skip" };
}
