import { sql } from "drizzle-orm";
import { type EmailHashKey, hashEmail } from "../platform/crypto/email-hash";
import { openEventData, openRecipient, sealPersonal } from "../platform/crypto/personal-data";
import { type SealingKeys, sealedKeyId } from "../platform/crypto/sealed-box";
import type { Database } from "../platform/db/client";
import type { sealedTables } from "../platform/db/schema/sealing-progress";
import type { Services } from "../services";

/** Rows one statement reads, and one run in all per table; the next run resumes from the cursor. */
const CHUNK = 500;

type Table = (typeof sealedTables)[number];
export type ResealOptions = { chunk?: number; limit?: number /** Tests: only this organisation. */; organizationId?: string };
export type ResealReport = {
  /** Rows re-sealed from an older key, sealed from plain text, given the address hash they lacked; and rows that would not open. */
  recipients: { resealed: number; sealed: number; hashed: number; unreadable: number };
  events: { resealed: number; sealed: number; unreadable: number };
  /** (organisation, table) passes still under way after this run. */
  unfinished: number;
};

type Pass = { organizationId: string; table: Table; cursorText: string | null; cursorId: string | null };

/**
 * Brings every organisation's personal data to the current sealing key: values sealed under an
 * older key (SECRETS_KEY_PREVIOUS) are opened and sealed again, plain-text rows (written without a
 * key, or before sealing existed) are sealed, and recipients without an address hash get one. Runs
 * in keyset chunks whose cursor is kept in `sealing_progress`, one organisation at a time in turn,
 * up to a cap per run; once a pass is finished for the current key it costs one query per run. A
 * row that does not open (its key is gone) is counted and passed over: it stays readable to nobody.
 */
export async function resealPersonalData(services: Services, options: ResealOptions = {}): Promise<ResealReport> {
  const report: ResealReport = { recipients: { resealed: 0, sealed: 0, hashed: 0, unreadable: 0 }, events: { resealed: 0, sealed: 0, unreadable: 0 }, unfinished: 0 };
  const limit = options.limit ?? services.env.RESEAL_RUN_LIMIT;
  const keys = await services.keys.sealing();
  // Without a key there is nothing to seal with: rows stay in plain text until SECRETS_KEY is set.
  if (!keys || limit === 0) return report;
  const hashKey = (await services.keys.emailHashes())?.current;
  const chunk = Math.min(options.chunk ?? CHUNK, limit);
  let active = await unfinishedPasses(services.db, keys.current.id, options.organizationId);
  const done = { recipients: 0, events: 0 };
  while (active.length > 0) {
    const again: Pass[] = [];
    for (const pass of active) {
      if (done[pass.table] >= limit) {
        again.push(pass);
        continue;
      }
      const size = Math.min(chunk, limit - done[pass.table]);
      const next = pass.table === "recipients" ? await resealRecipients(services.db, keys, hashKey, pass, size, report) : await resealEvents(services.db, keys, pass, size, report);
      done[pass.table] += size;
      if (next) again.push(next);
    }
    if (again.every((p) => done[p.table] >= limit)) {
      report.unfinished = again.length;
      break;
    }
    active = again;
  }
  for (const [what, counts] of Object.entries({ recipients: report.recipients.unreadable, events: report.events.unreadable })) {
    if (counts > 0) services.log.error("sealed personal data did not open: its key is missing (SECRETS_KEY_PREVIOUS?)", { table: what, rows: counts });
  }
  return report;
}

/** Each organisation's tables whose pass for the current key is not finished (or not begun). */
async function unfinishedPasses(db: Database, keyId: string, organizationId: string | undefined): Promise<Pass[]> {
  const only = organizationId ? sql`AND o.id = ${organizationId}::uuid` : sql``;
  const result = await db.execute<{ organization_id: string; table_name: Table; cursor_text: string | null; cursor_id: string | null }>(sql`
    SELECT o.id AS organization_id, t.table_name,
           CASE WHEN p.key_id = ${keyId} THEN p.cursor_text END AS cursor_text,
           CASE WHEN p.key_id = ${keyId} THEN p.cursor_id END AS cursor_id
      FROM organizations o
     CROSS JOIN (VALUES ('recipients'), ('events')) AS t(table_name)
      LEFT JOIN sealing_progress p ON p.organization_id = o.id AND p.table_name = t.table_name
     WHERE (p.key_id IS DISTINCT FROM ${keyId} OR p.finished_at IS NULL) ${only}
     ORDER BY o.id, t.table_name`);
  return result.rows.map((r) => ({ organizationId: r.organization_id, table: r.table_name, cursorText: r.cursor_text, cursorId: r.cursor_id }));
}

async function saveProgress(db: Database, keyId: string, pass: Pass, finished: boolean): Promise<void> {
  await db.execute(sql`
    INSERT INTO sealing_progress (id, organization_id, table_name, key_id, cursor_text, cursor_id, finished_at)
    VALUES (${crypto.randomUUID()}::uuid, ${pass.organizationId}::uuid, ${pass.table}, ${keyId}, ${pass.cursorText}, ${pass.cursorId}::uuid, ${finished ? sql`now()` : null})
    ON CONFLICT (organization_id, table_name) DO UPDATE SET key_id = excluded.key_id, cursor_text = excluded.cursor_text,
           cursor_id = excluded.cursor_id, finished_at = excluded.finished_at, updated_at = now()`);
}

const isCurrent = (sealed: string | null, keys: SealingKeys) => sealed === null || sealedKeyId(sealed) === keys.current.id;

type RecipientRow = {
  id: string;
  external_id: string;
  email: string | null;
  email_sealed: string | null;
  email_hash: string | null;
  name: string | null;
  name_sealed: string | null;
};

/** One chunk of an organisation's recipients, by external id (the unique index's order); the pass's next state, or undefined when finished. */
async function resealRecipients(db: Database, keys: SealingKeys, hashKey: EmailHashKey | undefined, pass: Pass, size: number, report: ResealReport): Promise<Pass | undefined> {
  const after = pass.cursorText === null ? sql`` : sql`AND external_id > ${pass.cursorText}`;
  const rows = (
    await db.execute<RecipientRow>(sql`
      SELECT id, external_id, email, email_sealed, email_hash, name, name_sealed FROM recipients
       WHERE organization_id = ${pass.organizationId}::uuid ${after}
       ORDER BY external_id LIMIT ${size}`)
  ).rows;
  const updates: {
    id: string;
    email_sealed: string | null;
    name_sealed: string | null;
    email_hash: string | null;
    /** Set only with a hash this pass made. */
    email_hash_key_id: string | null;
    old_email: string | null;
    old_email_sealed: string | null;
    old_name: string | null;
    old_name_sealed: string | null;
  }[] = [];
  for (const r of rows) {
    // An erased recipient keeps an empty address and nothing else: nothing to seal or hash.
    const hasAddress = r.email_sealed !== null || (r.email !== null && r.email !== "");
    const plain = (r.email !== null && r.email !== "") || r.name !== null;
    const stale = !isCurrent(r.email_sealed, keys) || !isCurrent(r.name_sealed, keys);
    const unhashed = hasAddress && r.email_hash === null && hashKey !== undefined;
    if (!plain && !stale && !unhashed) continue;
    const opened = await openRecipient(keys, pass.organizationId, r.id, { email: { sealed: r.email_sealed, plain: r.email }, name: { sealed: r.name_sealed, plain: r.name } });
    if (!opened.ok) {
      report.recipients.unreadable++;
      continue;
    }
    const { email, name } = opened.value;
    const place = { organizationId: pass.organizationId, rowId: r.id };
    updates.push({
      id: r.id,
      email_sealed: hasAddress ? await sealPersonal(keys, { ...place, column: "recipients.email" }, email) : null,
      name_sealed: name === null ? null : await sealPersonal(keys, { ...place, column: "recipients.name" }, name),
      email_hash: r.email_hash ?? (hashKey && hasAddress ? await hashEmail(hashKey.key, email) : null),
      email_hash_key_id: r.email_hash === null && hashKey && hasAddress ? hashKey.id : null,
      old_email: r.email,
      old_email_sealed: r.email_sealed,
      old_name: r.name,
      old_name_sealed: r.name_sealed,
    });
    if (stale) report.recipients.resealed++;
    else if (plain) report.recipients.sealed++;
    if (unhashed) report.recipients.hashed++;
  }
  if (updates.length > 0) {
    // Only rows unchanged since they were read: an event that updated one meanwhile sealed it already.
    await db.execute(sql`
      UPDATE recipients r
         SET email = CASE WHEN v.email_sealed IS NULL THEN r.email END, email_sealed = v.email_sealed, name = NULL, name_sealed = v.name_sealed,
             email_hash = v.email_hash, email_hash_key_id = coalesce(v.email_hash_key_id, r.email_hash_key_id), updated_at = now()
        FROM jsonb_to_recordset(${JSON.stringify(updates)}::jsonb)
          AS v(id uuid, email_sealed text, name_sealed text, email_hash text, email_hash_key_id text, old_email text, old_email_sealed text, old_name text, old_name_sealed text)
       WHERE r.id = v.id AND r.email IS NOT DISTINCT FROM v.old_email AND r.email_sealed IS NOT DISTINCT FROM v.old_email_sealed
         AND r.name IS NOT DISTINCT FROM v.old_name AND r.name_sealed IS NOT DISTINCT FROM v.old_name_sealed`);
  }
  const last = rows.at(-1);
  const next: Pass = { ...pass, cursorText: last?.external_id ?? pass.cursorText };
  const finished = rows.length < size;
  await saveProgress(db, keys.current.id, next, finished);
  return finished ? undefined : next;
}

/**
 * One chunk of an organisation's unpurged events, along the partial index of unpurged events (a
 * purged event holds nothing to seal). Only the rows that need it bring their data back.
 */
async function resealEvents(db: Database, keys: SealingKeys, pass: Pass, size: number, report: ResealReport): Promise<Pass | undefined> {
  const after = pass.cursorText === null || pass.cursorId === null ? sql`` : sql`AND (created_at, id) > (${pass.cursorText}::timestamptz, ${pass.cursorId}::uuid)`;
  const prefix = `v1.${keys.current.id}.`;
  const rows = (
    await db.execute<{ id: string; at: string; data_sealed: string | null; data: Record<string, unknown> | null }>(sql`
      SELECT id, created_at::text AS at,
             CASE WHEN NOT starts_with(data_sealed, ${prefix}) THEN data_sealed END AS data_sealed,
             CASE WHEN data_sealed IS NULL AND data <> '{}'::jsonb THEN data END AS data
        FROM events
       WHERE organization_id = ${pass.organizationId}::uuid AND content_purged_at IS NULL ${after}
       ORDER BY created_at, id LIMIT ${size}`)
  ).rows;
  const updates: { id: string; sealed: string; old: string | null }[] = [];
  for (const e of rows) {
    if (e.data_sealed === null && e.data === null) continue;
    const opened = await openEventData(keys, pass.organizationId, e.id, { sealed: e.data_sealed, plain: e.data ?? {} });
    if (!opened.ok) {
      report.events.unreadable++;
      continue;
    }
    updates.push({
      id: e.id,
      sealed: await sealPersonal(keys, { column: "events.data", organizationId: pass.organizationId, rowId: e.id }, JSON.stringify(opened.value)),
      old: e.data_sealed,
    });
    if (e.data_sealed !== null) report.events.resealed++;
    else report.events.sealed++;
  }
  if (updates.length > 0) {
    // A purge meanwhile wins: its event stays empty.
    await db.execute(sql`
      UPDATE events e SET data = '{}'::jsonb, data_sealed = v.sealed, updated_at = now()
        FROM jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) AS v(id uuid, sealed text, old text)
       WHERE e.id = v.id AND e.content_purged_at IS NULL AND e.data_sealed IS NOT DISTINCT FROM v.old`);
  }
  const last = rows.at(-1);
  const next: Pass = { ...pass, cursorText: last?.at ?? pass.cursorText, cursorId: last?.id ?? pass.cursorId };
  const finished = rows.length < size;
  await saveProgress(db, keys.current.id, next, finished);
  return finished ? undefined : next;
}
