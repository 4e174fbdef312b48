import pg from "pg";

/**
 * The bench's own read-only look at notifications, over one connection.
 * @param {string} url
 */
export async function openDbState(url) {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {});
  await client.connect();
  return {
    async failedCount() {
      const { rows } = await client.query("SELECT count(*)::int AS n FROM notifications WHERE status = 'failed'");
      return /** @type {number} */ (rows[0].n);
    },
    async failedIds() {
      const { rows } = await client.query("SELECT id FROM notifications WHERE status = 'failed'");
      return new Set(rows.map((/** @type {{ id: string }} */ r) => r.id));
    },
    /** @returns {Promise<Record<string, number>>} */
    async statuses() {
      const { rows } = await client.query("SELECT status, count(*)::int AS n FROM notifications GROUP BY status ORDER BY status");
      return Object.fromEntries(rows.map((/** @type {{ status: string, n: number }} */ r) => [r.status, r.n]));
    },
    /**
     * The digest scenario's ledger: every notification that was not sent on its own (batched,
     * skipped, failed) with the digest it joined, and every digest with its items.
     */
    async digestLedger() {
      const notifications = await client.query("SELECT id, status, digest_id FROM notifications WHERE digest_id IS NOT NULL OR status IN ('batched', 'skipped', 'failed')");
      const digests = await client.query(
        "SELECT id, status, item_count, notification_ids::text[] AS notification_ids, failure_reason, extract(epoch from closed_at - opened_at)::float AS open_seconds FROM digests",
      );
      return {
        /** @type {{ id: string, status: string, digest_id: string | null }[]} */
        notifications: notifications.rows,
        /** @type {{ id: string, status: string, item_count: number, notification_ids: string[], failure_reason: string | null, open_seconds: number | null }[]} */
        digests: digests.rows,
      };
    },
    /** The commonest failure reasons of notifications and of digests, for the report. */
    async failureReasons() {
      const { rows } = await client.query(
        `SELECT 'notification' AS of, failure_reason AS reason, count(*)::int AS n FROM notifications WHERE status = 'failed' GROUP BY 2
         UNION ALL
         SELECT 'digest', failure_reason, count(*)::int FROM digests WHERE status IN ('failed', 'skipped') GROUP BY 2
         ORDER BY 3 DESC LIMIT 10`,
      );
      return rows;
    },
    close: () => client.end().catch(() => {}),
  };
}
