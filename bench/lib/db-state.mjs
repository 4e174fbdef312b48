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
    /** The commonest failure reasons, for the report. */
    async failureReasons() {
      const { rows } = await client.query(
        "SELECT failure_reason AS reason, count(*)::int AS n FROM notifications WHERE status = 'failed' GROUP BY 1 ORDER BY 2 DESC LIMIT 5",
      );
      return rows;
    },
    close: () => client.end().catch(() => {}),
  };
}
