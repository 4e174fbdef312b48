import { eq, sql } from "drizzle-orm";
import type { Database } from "../platform/db/client";
import type { Col } from "../platform/db/rows";
import { textArray } from "../platform/db/sql";
import { type eventTypes, type events, notificationRules, notifications, recipients } from "../platform/db/schema";
import { hashEmails, normalizeEmail } from "../platform/crypto/email-hash";
import { sealPersonal } from "../platform/crypto/personal-data";
import type { SealingKeys } from "../platform/crypto/sealed-box";
import { err, ok, type Result } from "../platform/result";
import { evaluateCondition } from "./rule-condition";
import { type AcceptedEvent, type CreateEventBody, MAX_SEND_AT_DAYS } from "./schema";
import { type EventWrite, type Person, sealRecipient, type WriteCounts, writeEvent } from "./event-write";
import { fingerprint } from "./fingerprint";
import { type CachedEventType, type CachedRule, cachedEventType, knownRecipientId, rememberEventType, rememberRecipientId } from "./ingest-cache";

export type IngestError =
  | { code: "unknown_event_type"; type: string }
  | { code: "idempotency_conflict"; idempotencyKey: string }
  | { code: "send_at_too_far"; sendAt: string; latest: string };

export type StoredEvent = AcceptedEvent & {
  priority: "high" | "normal";
  /** When the notifications are `scheduled` rather than `queued`: the time they wait for. */
  sendAt: Date | null;
  /** Each notification's queue (a rule may be high priority where the event type is not). */
  priorities: Map<string, "high" | "normal">;
  /** Rules whose condition failed to evaluate for a recipient: they did not match, and the caller logs why. */
  conditionErrors: { rule: string; recipientId: string; error: string }[];
};

/** An event type without rules is one rule made of its own fields: this is that rule. */
type Rule = CachedRule;

type IngestOptions = {
  /** The address-hash key (src/platform/crypto/email-hash.ts; without it recipients get no email_hash). */
  emailHashKey?: CryptoKey | undefined;
  emailHashKeyId?: string | undefined;
  /** Without them addresses, names and data are stored in plain text. */
  sealingKeys?: SealingKeys | undefined;
  now?: Date;
  /** How long this isolate keeps an event type it looked up (`EVENT_TYPE_CACHE_SECONDS`); 0 or absent: every event looks it up. */
  eventTypeCacheSeconds?: number;
};

/**
 * Writes the event, its recipients and one notification per matching rule and recipient
 * atomically, in one statement. With the event type kept by this isolate (src/ingest/ingest-cache.ts)
 * that statement is the only round trip; otherwise a look-up of the type, the idempotency key and
 * the recipients' row ids comes first. A repeated idempotency key answers with the first event and
 * writes nothing: the write's insert of the event meets the first one's row and writes nothing else.
 * The rows are written `queued` before their messages are sent, after the commit (see
 * `enqueueAccepted`), so a successful send needs no third statement: if the send fails they are
 * put back to `pending` for the sweeper, and if the Worker dies between the commit and the send,
 * the sweeper's search for lost `queued` messages finds them. An event with a future `sendAt`
 * writes them `scheduled` instead: the sweeper releases them when their time comes.
 */
export async function acceptEvent(
  db: Database,
  organizationId: string,
  input: CreateEventBody,
  /**
   * The address-hash key (src/platform/crypto/email-hash.ts; without it recipients get no email_hash)
   * and the sealing keys (without them addresses, names and data are stored in plain text).
   */
  options: IngestOptions = {},
): Promise<Result<StoredEvent, IngestError>> {
  const now = options.now ?? new Date();
  const { idempotencyKey, ...content } = input;
  const sendAt = input.sendAt ? new Date(input.sendAt) : null;
  const latest = new Date(now.getTime() + MAX_SEND_AT_DAYS * 86_400_000);
  if (sendAt && sendAt > latest) return err({ code: "send_at_too_far", sendAt: input.sendAt ?? "", latest: latest.toISOString() });
  const scheduled = sendAt !== null && sendAt > now;

  const print = await fingerprint(content);
  const externalIds = input.recipients.map((r) => r.id);
  let found: CachedEventType;
  let rowIds: Map<string, string>;
  const kept = options.eventTypeCacheSeconds ? cachedEventType(organizationId, input.type, now) : undefined;
  if (kept) {
    found = kept;
    rowIds = new Map();
    for (const id of externalIds) {
      const known = knownRecipientId(organizationId, id);
      if (known) rowIds.set(id, known);
    }
  } else {
    const looked = await lookUpTypeAndKey(db, organizationId, input.type, idempotencyKey, externalIds);
    if (!looked) return err({ code: "unknown_event_type", type: input.type });
    if (looked.existing) return answerDuplicate(db, looked.existing, idempotencyKey ?? "", print, input);
    found = { eventTypeId: looked.eventTypeId, priority: looked.priority, rules: looked.rules };
    rememberEventType(organizationId, input.type, found, now, options.eventTypeCacheSeconds ?? 0);
    rowIds = looked.recipientIds;
  }

  const eventId = crypto.randomUUID();
  const priority = input.priority ?? found.priority;
  const rules: Rule[] = found.rules.length > 0 ? found.rules : [{ id: null, key: null, condition: null, priority: found.priority }];
  const matched = matchRules(rules, input);
  const hashes = options.emailHashKey
    ? await hashEmails(
        options.emailHashKey,
        input.recipients.map((r) => r.email),
      )
    : undefined;
  const personOf = (r: CreateEventBody["recipients"][number], rowId: string): Person => ({
    recipient_id: rowId,
    external_id: r.id,
    email: r.email,
    email_hash: hashes?.get(normalizeEmail(r.email)) ?? null,
    email_hash_key_id: hashes ? (options.emailHashKeyId ?? null) : null,
    name: r.name ?? null,
    locale: r.locale ?? null,
    timezone: r.timezone ?? null,
    // Left out (SQL null) when not given, so the recipient keeps what they had.
    ...(r.quietHours !== undefined ? { quiet_hours: r.quietHours } : {}),
  });
  const items = matched.items.map((m) => ({
    notification_id: crypto.randomUUID(),
    external_id: m.recipientId,
    rule_id: m.rule.id,
    rule: m.rule.key,
    priority: input.priority ?? m.rule.priority,
  }));
  const status = scheduled ? "scheduled" : "queued";
  const data = JSON.stringify(input.data);
  const dataSealed = options.sealingKeys ? await sealPersonal(options.sealingKeys, { column: "events.data", organizationId, rowId: eventId }, data) : null;
  const write: EventWrite = {
    eventId,
    organizationId,
    eventTypeId: found.eventTypeId,
    type: input.type,
    idempotencyKey: idempotencyKey ?? null,
    fingerprint: print,
    priority,
    data: dataSealed === null ? data : "{}",
    dataSealed,
    cancellationKey: input.cancellationKey ?? null,
    sendAt: sendAt?.toISOString() ?? null,
    items: JSON.stringify(items),
    status,
    queuedAt: scheduled ? null : now.toISOString(),
    retryAt: scheduled ? (sendAt?.toISOString() ?? null) : now.toISOString(),
  };
  // An existing recipient keeps its row id, which its sealed values are bound to; a new one gets a
  // new id. When an id proves wrong (a recipient this isolate has not written, or one erased since,
  // whose kept id now belongs to its tombstone), the statement writes nothing and names the right
  // ids; the values are sealed again for them and the whole write runs again. A third miss can only
  // be a run of concurrent changes to the same recipients: nothing is written and the caller retries.
  let counts: WriteCounts | undefined;
  for (let attempt = 1; ; attempt++) {
    const people = await Promise.all(input.recipients.map((r) => sealRecipient(options.sealingKeys, organizationId, personOf(r, rowIds.get(r.id) ?? crypto.randomUUID()))));
    counts = await writeEvent(db, write, JSON.stringify(people));
    if (!counts || counts.misplaced === null) break;
    if (attempt === 3) throw new Error("recipients' row ids kept changing while the event was written");
    for (const m of counts.misplaced) {
      if (m.id) rowIds.set(m.external_id, m.id);
      else rowIds.delete(m.external_id);
    }
  }
  if (!counts || counts.events === 0) {
    // A concurrent request with the same key committed first: answer as a duplicate of it.
    const again = await lookUpTypeAndKey(db, organizationId, input.type, idempotencyKey, []);
    if (again?.existing) return answerDuplicate(db, again.existing, idempotencyKey ?? "", print, input);
    throw new Error("idempotent insert lost its row");
  }
  if (counts.notifications !== items.length) throw new Error(`wrote ${counts.notifications} notifications for ${items.length} rule matches`);
  for (const r of counts.recipients ?? []) rememberRecipientId(organizationId, r.external_id, r.id);
  return ok({
    eventId,
    duplicate: false,
    priority,
    sendAt: scheduled ? sendAt : null,
    priorities: new Map(items.map((i) => [i.notification_id, i.priority])),
    conditionErrors: matched.errors,
    notifications: items.map((i) => ({ id: i.notification_id, recipientId: i.external_id, rule: i.rule, status })),
  });
}

/** Every recipient against every rule, in the recipients' order and then the rules'. */
function matchRules(rules: Rule[], input: CreateEventBody) {
  const items: { recipientId: string; rule: Rule }[] = [];
  const errors: StoredEvent["conditionErrors"] = [];
  for (const r of input.recipients) {
    // Built only for a rule with a condition: the common event type has none, and ingest is the hot path.
    let recipient: Record<string, unknown> | undefined;
    for (const rule of rules) {
      if (rule.condition !== null) {
        recipient ??= { ...r.attributes, id: r.id, email: r.email, name: r.name ?? null, locale: r.locale ?? null, timezone: r.timezone ?? null, role: r.role ?? null };
        const holds = evaluateCondition(rule.condition, { data: input.data, recipient });
        if (!holds.ok) errors.push({ rule: rule.key ?? "", recipientId: r.id, error: holds.error });
        if (!holds.ok || !holds.value) continue;
      }
      items.push({ recipientId: r.id, rule });
    }
  }
  return { items, errors };
}

type ExistingEvent = { id: string; fingerprint: string; priority: "high" | "normal" };

/**
 * The event type, the event a given idempotency key already names, and the row ids of the
 * recipients that exist already (their sealed values are bound to them): one round trip for all.
 */
async function lookUpTypeAndKey(
  db: Database,
  organizationId: string,
  type: string,
  idempotencyKey: string | undefined,
  externalIds: string[],
): Promise<{ eventTypeId: string; priority: "high" | "normal"; rules: Rule[]; existing?: ExistingEvent; recipientIds: Map<string, string> } | undefined> {
  type E = typeof events;
  const result = await db.execute<{
    event_type_id: Col<typeof eventTypes, "id">;
    priority: Col<typeof eventTypes, "priority">;
    existing_id: Col<E, "id"> | null;
    existing_fingerprint: Col<E, "fingerprint"> | null;
    existing_priority: Col<E, "priority"> | null;
    recipients: { id: string; external_id: string }[] | null;
    rules: Rule[] | null;
  }>(sql`
    SELECT et.id AS event_type_id, et.priority, e.id AS existing_id, e.fingerprint AS existing_fingerprint, e.priority AS existing_priority,
           (SELECT jsonb_agg(jsonb_build_object('id', nr.id, 'key', nr.key, 'condition', nr.condition, 'priority', nr.priority) ORDER BY nr.position)
              FROM notification_rules nr WHERE nr.event_type_id = et.id AND nr.archived_at IS NULL) AS rules,
           (SELECT jsonb_agg(jsonb_build_object('id', r.id, 'external_id', r.external_id)) FROM recipients r
             WHERE r.organization_id = et.organization_id AND r.external_id = ANY(${textArray(externalIds)})) AS recipients
      FROM event_types et
      LEFT JOIN events e ON e.organization_id = et.organization_id AND e.idempotency_key = ${idempotencyKey ?? null}
     WHERE et.organization_id = ${organizationId}::uuid AND et.key = ${type}
     LIMIT 1`);
  const row = result.rows[0];
  if (!row) return undefined;
  const existing =
    row.existing_id && row.existing_fingerprint && row.existing_priority
      ? { id: row.existing_id, fingerprint: row.existing_fingerprint, priority: row.existing_priority }
      : undefined;
  const recipientIds = new Map((row.recipients ?? []).map((r) => [r.external_id, r.id]));
  return { eventTypeId: row.event_type_id, priority: row.priority, rules: row.rules ?? [], recipientIds, ...(existing ? { existing } : {}) };
}

/** The first request's answer for a repeated key; a different body under the same key is a conflict. */
async function answerDuplicate(db: Database, event: ExistingEvent, idempotencyKey: string, print: string, input: CreateEventBody): Promise<Result<StoredEvent, IngestError>> {
  if (event.fingerprint !== print) return err({ code: "idempotency_conflict", idempotencyKey });
  const rows = await db
    .select({ id: notifications.id, recipientId: recipients.externalId, rule: notificationRules.key, position: notificationRules.position, status: notifications.status })
    .from(notifications)
    .innerJoin(recipients, eq(recipients.id, notifications.recipientId))
    .leftJoin(notificationRules, eq(notificationRules.id, notifications.ruleId))
    .where(eq(notifications.eventId, event.id));
  // Same fingerprint, so the same recipients: answer in the order the first request listed them, then by rule.
  const place = new Map(input.recipients.map((r, i) => [r.id, i]));
  rows.sort((a, b) => (place.get(a.recipientId) ?? 0) - (place.get(b.recipientId) ?? 0) || (a.position ?? 0) - (b.position ?? 0));
  return ok({
    eventId: event.id,
    duplicate: true,
    priority: event.priority,
    sendAt: null,
    priorities: new Map(),
    conditionErrors: [],
    notifications: rows.map(({ position: _, ...n }) => n),
  });
}
