import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Caller } from "../../context";
import { attemptView } from "../notifications/attempt-view";
import { recordApiChange } from "../../platform/audit/record";
import { deliveryAttempts, deliveryEvents, digests, events, notifications, preferences, recipients } from "../../platform/db/schema";
import { openEventData, openRecipient } from "../../platform/crypto/personal-data";
import { err, ok, type BaseError, type Result } from "../../platform/result";
import type { Services } from "../../services";
import { findSuppression } from "./lookup";
import type { RecipientExport } from "./schema";

export type ExportError = BaseError<"NOT_FOUND" | "INTERNAL_SERVER_ERROR">;

const unreadable = (what: string, reason: string): ExportError => ({
  code: "INTERNAL_SERVER_ERROR",
  message: `The recipient's sealed ${what} did not open (${reason}): a sealing key is missing from this deployment.`,
  retry: false,
});

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

type EventRow = typeof deliveryEvents.$inferSelect;
const providerEvent = (e: EventRow) => ({ type: e.type, provider: e.provider, at: e.occurredAt.toISOString(), bounceKind: e.bounceKind, detail: e.detail });

/**
 * Everything held on one recipient, as their organisation's admin asks for it. Each export is in
 * the audit log (who read it, and how much), never what it contained.
 */
export async function exportRecipient(services: Services, caller: Caller, externalId: string): Promise<Result<RecipientExport, ExportError>> {
  const { db } = services;
  const organizationId = caller.organizationId;
  const [person] = await db
    .select()
    .from(recipients)
    .where(and(eq(recipients.organizationId, organizationId), eq(recipients.externalId, externalId)))
    .limit(1);
  if (!person) return err({ code: "NOT_FOUND", message: `No recipient ${externalId}.`, retry: false });
  const keys = await services.keys.sealing();
  const opened = await openRecipient(keys, organizationId, person.id, {
    email: { sealed: person.emailSealed, plain: person.email },
    name: { sealed: person.nameSealed, plain: person.name },
  });
  if (!opened.ok) return err(unreadable("address or name", opened.error));

  const [choices, rows, sent, suppression] = await Promise.all([
    db.select().from(preferences).where(eq(preferences.recipientId, person.id)).orderBy(asc(preferences.category)),
    db
      .select({ n: notifications, type: events.type, data: events.data, dataSealed: events.dataSealed, contentPurgedAt: events.contentPurgedAt })
      .from(notifications)
      .innerJoin(events, eq(events.id, notifications.eventId))
      .where(and(eq(notifications.organizationId, organizationId), eq(notifications.recipientId, person.id)))
      .orderBy(asc(notifications.createdAt), asc(notifications.id)),
    db
      .select()
      .from(digests)
      .where(and(eq(digests.organizationId, organizationId), eq(digests.recipientId, person.id)))
      .orderBy(asc(digests.createdAt)),
    findSuppression(services, organizationId, opened.value.email),
  ]);
  const data = await Promise.all(rows.map((r) => openEventData(keys, organizationId, r.n.eventId, { sealed: r.dataSealed, plain: r.data })));
  const closed = data.find((d) => !d.ok);
  if (closed && !closed.ok) return err(unreadable("event data", closed.error));
  const ids = rows.map((r) => r.n.id);
  const digestIds = sent.map((d) => d.id);
  const [attempts, notificationEvents, digestEvents] = await Promise.all([
    ids.length ? db.select().from(deliveryAttempts).where(inArray(deliveryAttempts.notificationId, ids)).orderBy(asc(deliveryAttempts.createdAt)) : [],
    ids.length ? db.select().from(deliveryEvents).where(inArray(deliveryEvents.notificationId, ids)).orderBy(asc(deliveryEvents.occurredAt), asc(deliveryEvents.createdAt)) : [],
    digestIds.length
      ? db
          .select()
          .from(deliveryEvents)
          .where(and(eq(deliveryEvents.organizationId, organizationId), isNull(deliveryEvents.notificationId), inArray(sql`(${deliveryEvents.detail}->>'digestId')`, digestIds)))
          .orderBy(asc(deliveryEvents.occurredAt), asc(deliveryEvents.createdAt))
      : [],
  ]);

  const body: RecipientExport = {
    exportedAt: new Date().toISOString(),
    recipient: {
      id: person.externalId,
      email: opened.value.email,
      name: opened.value.name,
      locale: person.locale,
      timezone: person.timezone,
      quietHours: person.quietHours ?? null,
      unsubscribedAt: iso(person.unsubscribedAt),
      textOnly: person.textOnly,
      createdAt: person.createdAt.toISOString(),
      updatedAt: person.updatedAt.toISOString(),
    },
    preferences: choices.map((p) => ({ category: p.category, enabled: p.enabled, delivery: p.delivery, digest: p.digest ?? null, updatedAt: p.updatedAt.toISOString() })),
    suppression: suppression ? { reason: suppression.reason, softBounces: suppression.softBounces, suppressedAt: iso(suppression.suppressedAt), detail: suppression.detail } : null,
    notifications: rows.map(({ n, type, contentPurgedAt }, i) => ({
      id: n.id,
      eventId: n.eventId,
      type,
      status: n.status,
      priority: n.priority,
      decisionRule: n.decisionRule,
      failureReason: n.failureReason,
      templateVersion: n.templateVersion,
      provider: n.provider,
      providerMessageId: n.providerMessageId,
      digestId: n.digestId,
      createdAt: n.createdAt.toISOString(),
      queuedAt: iso(n.queuedAt),
      sentAt: iso(n.sentAt),
      failedAt: iso(n.failedAt),
      event: { data: data[i]?.ok ? data[i].value : {}, contentPurgedAt: iso(contentPurgedAt) },
      attempts: attempts.filter((a) => a.notificationId === n.id).map(attemptView),
      events: notificationEvents.filter((e) => e.notificationId === n.id).map(providerEvent),
    })),
    digests: sent.map((d) => ({
      id: d.id,
      category: d.category,
      kind: d.kind,
      status: d.status,
      itemCount: d.itemCount,
      notificationIds: d.notificationIds,
      openedAt: d.openedAt.toISOString(),
      dueAt: d.dueAt.toISOString(),
      sentAt: iso(d.sentAt),
      provider: d.provider,
      providerMessageId: d.providerMessageId,
      failureReason: d.failureReason,
      attempts: d.attemptLog.map((a) => ({ ...a, at: null })),
      events: digestEvents.filter((e) => e.detail.digestId === d.id).map(providerEvent),
    })),
  };
  await recordApiChange(db, caller, {
    action: "recipient.export",
    targetType: "recipient",
    targetId: person.id,
    details: { notifications: body.notifications.length, digests: body.digests.length },
  });
  return ok(body);
}
