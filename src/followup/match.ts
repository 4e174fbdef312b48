import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../platform/db/client";
import type { DeliveryEvent } from "../providers/webhook-events";
import type { RowOf } from "../platform/db/rows";
import type { notifications } from "../platform/db/schema";

/** What a provider event is about: one of our notifications, a digest email, or nothing we sent. */
export type Target = { kind: "notification" | "digest"; id: string; organizationId: string; recipientId: string } | { kind: "none"; organizationId: string | undefined };

/** Per-organisation webhook URLs only ever touch that organisation's mail. */
export type Scope = { organizationId?: string };

/** Notifications and digests share these columns; the statement reads both tables with the same names. */
type Row = { kind: "notification" | "digest" } & RowOf<typeof notifications, "id" | "organization_id" | "recipient_id" | "provider" | "provider_message_id">;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const inList = (column: SQL, values: SQL[]): SQL => (values.length === 0 ? sql`false` : sql`${column} IN (${sql.join(values, sql`, `)})`);

/**
 * Finds every event's notification or digest in one query: by the id we echoed through the
 * provider (custom_args, `v:` variables, SES tags; a digest email echoes the digest's id) or else
 * by the provider's message id (indexed on both tables).
 */
export async function matchEvents(db: Pick<Database, "execute">, events: DeliveryEvent[], scope: Scope): Promise<Target[]> {
  const ids = [...new Set(events.map((e) => e.notificationId).filter((id): id is string => id !== undefined && UUID.test(id)))];
  const messageIds = [...new Set(events.map((e) => e.providerMessageId))];
  const idParams = ids.map((id) => sql`${id}::uuid`);
  const messageParams = messageIds.map((m) => sql`${m}`);
  const inScope = scope.organizationId ? sql`AND organization_id = ${scope.organizationId}::uuid` : sql``;
  const result = await db.execute<Row>(sql`
    SELECT 'notification' AS kind, id, organization_id, recipient_id, provider, provider_message_id
      FROM notifications
     WHERE (${inList(sql`id`, idParams)} OR ${inList(sql`provider_message_id`, messageParams)}) ${inScope}
    UNION ALL
    SELECT 'digest' AS kind, id, organization_id, recipient_id, provider, provider_message_id
      FROM digests
     WHERE (${inList(sql`id`, idParams)} OR ${inList(sql`provider_message_id`, messageParams)}) ${inScope}`);
  const rows = result.rows;
  return events.map((event): Target => {
    const row =
      rows.find((r) => r.id === event.notificationId && consistent(r, event)) ?? rows.find((r) => r.provider_message_id === event.providerMessageId && consistent(r, event));
    if (!row) return { kind: "none", organizationId: scope.organizationId };
    return { kind: row.kind, id: row.id, organizationId: row.organization_id, recipientId: row.recipient_id };
  });
}

/**
 * The echoed id is only believed when the row agrees with the rest of the event: sent by this
 * provider, under this message id (or not recorded yet: the webhook can beat the consumer's write).
 * Otherwise a misconfigured or hostile sender's custom args could point at someone else's mail.
 */
function consistent(row: Row, event: DeliveryEvent): boolean {
  const sameProvider = row.provider === null || row.provider === event.provider;
  const sameMessage = row.provider_message_id === null || row.provider_message_id === event.providerMessageId;
  return sameProvider && sameMessage;
}
