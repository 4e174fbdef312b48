import type { Database } from "../../platform/db/client";
import { type HistoryEntry, listRecipientHistory } from "../notifications/history";
import { type LastEvent, lastEventsOf } from "../notifications/provider-events";
import { encodeCursor, type KeysetCursor } from "../../platform/pagination/cursor";
import { findRecipient } from "../../decide/preferences/store";
import { err, ok, type Result } from "../../platform/result";

export const HISTORY_PAGE_SIZE = 25;

export type RecipientHistory = {
  externalId: string;
  entries: (HistoryEntry & { lastEvent: LastEvent | null })[];
  /** The opaque cursor of the next (older) page, or null on the last. */
  older: string | null;
};

/** One page of a recipient's notifications, as GET /v1/recipients/:id/notifications reads them. */
export async function loadRecipientHistory(
  db: Database,
  organizationId: string,
  externalId: string,
  after: KeysetCursor | undefined,
): Promise<Result<RecipientHistory, "no_recipient">> {
  const recipient = await findRecipient(db, organizationId, externalId);
  if (!recipient) return err("no_recipient");
  const page = await listRecipientHistory(db, organizationId, recipient.id, {}, HISTORY_PAGE_SIZE, after);
  const last = await lastEventsOf(
    db,
    organizationId,
    page.entries.map((e) => e.id),
  );
  return ok({
    externalId: recipient.externalId,
    entries: page.entries.map((e) => ({ ...e, lastEvent: last.get(e.id) ?? null })),
    older: page.next ? encodeCursor(page.next) : null,
  });
}
