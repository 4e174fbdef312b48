import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { openDatabase } from "../../src/platform/db/client";
import { testEnv } from "../fixtures/organization";

type Fingerprint = Record<string, string>;

/**
 * Everything the database holds for one organisation, as a hash per table: every table but
 * `organizations` carries `organization_id`, and test files share the database, so the tenant is
 * the unit. Read through information_schema, so a table added later is watched too.
 */
async function fingerprint(db: ReturnType<typeof openDatabase>["db"], organizationId: string, tables: string[]): Promise<Fingerprint> {
  const parts = tables.map(
    (table) =>
      sql`SELECT ${table} AS t, count(*)::text || ':' || md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM ${sql.identifier(table)} x WHERE organization_id = ${organizationId}::uuid`,
  );
  parts.push(sql`SELECT 'organizations' AS t, md5(coalesce(string_agg(x::text, '|'), '')) AS h FROM organizations x WHERE id = ${organizationId}::uuid`);
  const rows = await db.execute<{ t: string; h: string }>(sql.join(parts, sql` UNION ALL `));
  return Object.fromEntries(rows.rows.map((r) => [r.t, r.h]));
}

const changedTables = (before: Fingerprint, after: Fingerprint) => Object.keys(after).filter((t) => before[t] !== after[t]);

/**
 * Watches one organisation's rows while hostile requests run: a refused request, or any GET, must
 * leave them exactly as they were; after an accepted change the ledger waits for the work it set off (sends,
 * digests) to settle and takes that as the new baseline.
 */
export async function organizationLedger(organizationId: string) {
  const { db, close } = openDatabase(testEnv());
  const tables = (
    await db.execute<{ table_name: string }>(
      sql`SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'organization_id' ORDER BY table_name`,
    )
  ).rows.map((r) => r.table_name);
  const read = () => fingerprint(db, organizationId, tables);
  let baseline = await read();

  const unsettled = async () =>
    (
      await db.execute<{ n: number }>(sql`
        SELECT (SELECT count(*) FROM notifications WHERE organization_id = ${organizationId}::uuid AND status IN ('pending', 'queued', 'sending'))
             + (SELECT count(*) FROM digests WHERE organization_id = ${organizationId}::uuid AND status IN ('queued', 'sending')) AS n`)
    ).rows[0]?.n ?? 0;

  /** Until no mail is in flight and two readings a moment apart agree (a waitUntil may still be writing). */
  const settle = async () => {
    const deadline = Date.now() + 30_000;
    let last = await read();
    while (Date.now() < deadline) {
      const idle = Number(await unsettled()) === 0;
      await new Promise((resolve) => setTimeout(resolve, idle ? 30 : 150));
      const now = await read();
      if (idle && changedTables(last, now).length === 0) return now;
      last = now;
    }
    throw new Error(`organisation ${organizationId} did not settle within 30 s after an accepted request`);
  };

  return {
    tables,
    /** After each request: `unchanged` when it was refused or only read (GET changes nothing, ever). */
    async after(expectation: "unchanged" | "audited read" | "may change", describe: () => string) {
      if (expectation === "may change") {
        baseline = await settle();
        return;
      }
      const now = await read();
      // A read of a person's data (a recipient export) is itself recorded: its audit row, nothing else.
      const allowed = expectation === "audited read" ? ["audit_log"] : [];
      expect(
        changedTables(baseline, now).filter((t) => !allowed.includes(t)),
        `a refused or read-only request changed the database:\n${describe()}`,
      ).toEqual([]);
      baseline = now;
    },
    close,
  };
}
