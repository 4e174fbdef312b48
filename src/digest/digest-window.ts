import { DurableObject } from "cloudflare:workers";
import { dueAt, maxItems } from "./schedule";
import { insertOpenDigest, upsertClosedDigest } from "./store";
import { AddItemsInput, ClosedDigest, FlushInput, type Placement, RemoveItemsInput, type WindowKey, type WindowState } from "./window-types";
import { parseEnv } from "../env";
import type { DigestSchedule } from "../decide/preferences/model";
import { messageOf } from "../platform/log";
import { createServices } from "../services";

/** Cron closes daily and weekly windows at their hour; the alarm only steps in if cron did not. */
const SCHEDULED_BACKSTOP_MS = 15 * 60_000;
const RETRY_BASE_MS = 5_000;

type WindowRow = {
  digest_id: string;
  organization_id: string;
  recipient_id: string;
  category: string;
  kind: ClosedDigest["kind"];
  opened_at: number;
  due_at: number;
  max_items: number;
  burst: number;
  registered: number;
};

/**
 * The open digest window of one organisation + recipient + category. Every state change is a
 * synchronous SQLite transaction, and the object runs one event at a time between awaits, so
 * concurrent items, the alarm and a cron flush cannot close one window twice or lose an item:
 * closing moves the items into an outbox in the same transaction that ends the window, and only
 * then does the slow part (PostgreSQL row, queue job) run, retried from the outbox until it lands.
 */
export class DigestWindow extends DurableObject<Record<string, unknown>> {
  private draining: Promise<void> = Promise.resolve();
  private registration: { digestId: string; done: Promise<void> } | undefined;

  constructor(ctx: DurableObjectState, env: Record<string, unknown>) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec(`
        CREATE TABLE IF NOT EXISTS window (digest_id TEXT PRIMARY KEY, organization_id TEXT, recipient_id TEXT, category TEXT, kind TEXT,
          opened_at INTEGER, due_at INTEGER, max_items INTEGER, burst INTEGER, registered INTEGER DEFAULT 0);
        CREATE TABLE IF NOT EXISTS items (notification_id TEXT PRIMARY KEY, digest_id TEXT);
        CREATE TABLE IF NOT EXISTS outbox (digest_id TEXT PRIMARY KEY, payload TEXT, attempts INTEGER DEFAULT 0, next_at INTEGER);`);
    });
  }

  /** Adds items to the open window (opening one at the first item); closes it when full. */
  async add(raw: AddItemsInput): Promise<Placement[]> {
    const input = AddItemsInput.parse(raw);
    const now = input.now ?? Date.now();
    let closed = false;
    const placements = this.ctx.storage.transactionSync(() =>
      input.notificationIds.map((notificationId): Placement => {
        const placed = this.sql<{ digest_id: string }>("SELECT digest_id FROM items WHERE notification_id = ?", notificationId)[0];
        if (placed) return { notificationId, digestId: placed.digest_id };
        let w = this.window();
        if (!w) {
          w = this.open(input.key, input.schedule, input.timeZone, now);
          // Burst mode: the first item of a quiet period goes out at once; followers wait in the window.
          if (w.burst) return { notificationId, digestId: null };
        }
        this.ctx.storage.sql.exec("INSERT INTO items (notification_id, digest_id) VALUES (?, ?)", notificationId, w.digest_id);
        if (this.itemCount(w.digest_id) >= w.max_items) closed = this.close(now) !== null || closed;
        return { notificationId, digestId: w.digest_id };
      }),
    );
    const open = this.window();
    if (open && !open.registered && this.itemCount(open.digest_id) > 0) await this.register(open);
    if (closed) await this.drain();
    await this.scheduleAlarm();
    return placements;
  }

  /** Closes the open window now (preference switched to immediate, cron), and sends what is in the outbox. */
  async flush(raw: FlushInput = {}): Promise<{ digestId: string | null }> {
    const input = FlushInput.parse(raw);
    const now = input.now ?? Date.now();
    const w = this.window();
    const digestId = w && (!input.onlyIfDue || w.due_at <= now) ? this.ctx.storage.transactionSync(() => this.close(now)) : null;
    await this.drain();
    await this.scheduleAlarm();
    return { digestId };
  }

  /**
   * Takes items out of the window and out of closed windows still in the outbox; a window left
   * empty ends without a digest (close() writes nothing for it). Answers how many items left.
   */
  async removeItems(raw: RemoveItemsInput): Promise<{ removed: number }> {
    const input = RemoveItemsInput.parse(raw);
    const gone = new Set(input.notificationIds);
    const removed = this.ctx.storage.transactionSync(() => {
      let count = 0;
      for (const id of gone) count += this.ctx.storage.sql.exec("DELETE FROM items WHERE notification_id = ?", id).rowsWritten;
      for (const row of this.sql<{ digest_id: string; payload: string }>("SELECT digest_id, payload FROM outbox")) {
        const closed = ClosedDigest.parse(JSON.parse(row.payload));
        const kept = closed.notificationIds.filter((id) => !gone.has(id));
        if (kept.length === closed.notificationIds.length) continue;
        count += closed.notificationIds.length - kept.length;
        if (kept.length === 0) this.ctx.storage.sql.exec("DELETE FROM outbox WHERE digest_id = ?", row.digest_id);
        else this.ctx.storage.sql.exec("UPDATE outbox SET payload = ? WHERE digest_id = ?", JSON.stringify({ ...closed, notificationIds: kept }), row.digest_id);
      }
      const w = this.window();
      if (w && this.itemCount(w.digest_id) === 0) this.ctx.storage.sql.exec("DELETE FROM window");
      return count;
    });
    await this.scheduleAlarm();
    return { removed };
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    const w = this.window();
    if (w && w.due_at <= now) this.ctx.storage.transactionSync(() => this.close(now));
    await this.drain();
    await this.scheduleAlarm();
  }

  state(): WindowState {
    const w = this.window();
    return {
      window: w
        ? { digestId: w.digest_id, kind: w.kind, openedAt: w.opened_at, dueAt: w.due_at, maxItems: w.max_items, burst: w.burst === 1, registered: w.registered === 1 }
        : null,
      items: this.sql<{ notification_id: string }>("SELECT notification_id FROM items ORDER BY rowid").map((r) => r.notification_id),
      outbox: this.sql<{ digest_id: string }>("SELECT digest_id FROM outbox").map((r) => r.digest_id),
    };
  }

  private open(key: WindowKey, schedule: DigestSchedule, timeZone: string, now: number): WindowRow {
    const row: WindowRow = {
      digest_id: crypto.randomUUID(),
      organization_id: key.organizationId,
      recipient_id: key.recipientId,
      category: key.category,
      kind: schedule.kind,
      opened_at: now,
      due_at: dueAt(schedule, now, timeZone),
      max_items: maxItems(schedule),
      burst: schedule.kind === "window" && schedule.burst ? 1 : 0,
      registered: 0,
    };
    this.ctx.storage.sql.exec(
      "INSERT INTO window (digest_id, organization_id, recipient_id, category, kind, opened_at, due_at, max_items, burst) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      row.digest_id,
      row.organization_id,
      row.recipient_id,
      row.category,
      row.kind,
      row.opened_at,
      row.due_at,
      row.max_items,
      row.burst,
    );
    return row;
  }

  /** Ends the window and moves its items to the outbox; call inside a transaction. Null when it held none. */
  private close(now: number): string | null {
    const w = this.window();
    if (!w) return null;
    const ids = this.sql<{ notification_id: string }>("SELECT notification_id FROM items WHERE digest_id = ? ORDER BY rowid", w.digest_id).map((r) => r.notification_id);
    this.ctx.storage.sql.exec("DELETE FROM window");
    this.ctx.storage.sql.exec("DELETE FROM items WHERE digest_id = ?", w.digest_id);
    if (ids.length === 0) return null;
    const closed: ClosedDigest = {
      digestId: w.digest_id,
      key: { organizationId: w.organization_id, recipientId: w.recipient_id, category: w.category },
      kind: w.kind,
      openedAt: w.opened_at,
      dueAt: w.due_at,
      closedAt: now,
      notificationIds: ids,
    };
    this.ctx.storage.sql.exec("INSERT INTO outbox (digest_id, payload, next_at) VALUES (?, ?, 0)", w.digest_id, JSON.stringify(closed));
    return w.digest_id;
  }

  /** One drain at a time: two overlapping drains would enqueue the same digest twice. */
  private drain(): Promise<void> {
    const next = this.draining.then(() => this.drainOnce());
    this.draining = next.catch(() => undefined);
    return next;
  }

  private async drainOnce(): Promise<void> {
    const rows = this.sql<{ digest_id: string; payload: string; attempts: number }>("SELECT digest_id, payload, attempts FROM outbox WHERE next_at <= ?", Date.now());
    if (rows.length === 0) return;
    const services = createServices(parseEnv(this.env));
    try {
      for (const row of rows) {
        try {
          await upsertClosedDigest(services.db, ClosedDigest.parse(JSON.parse(row.payload)));
          await services.env.NOTIFICATION_QUEUE.send({ kind: "digest", digestId: row.digest_id });
          this.ctx.storage.sql.exec("DELETE FROM outbox WHERE digest_id = ?", row.digest_id);
        } catch (e) {
          const delay = Math.min(RETRY_BASE_MS * 2 ** row.attempts, 15 * 60_000);
          this.ctx.storage.sql.exec("UPDATE outbox SET attempts = attempts + 1, next_at = ? WHERE digest_id = ?", Date.now() + delay, row.digest_id);
          services.log.error("digest close not yet written", { digestId: row.digest_id, error: messageOf(e) });
        }
      }
    } finally {
      await services.close();
    }
  }

  /** Writes the open row once per window (concurrent adds share the write); a failure only delays cron's view. */
  private async register(w: WindowRow): Promise<void> {
    if (this.registration?.digestId !== w.digest_id) {
      const done = (async () => {
        const services = createServices(parseEnv(this.env));
        try {
          await insertOpenDigest(services.db, {
            digestId: w.digest_id,
            key: { organizationId: w.organization_id, recipientId: w.recipient_id, category: w.category },
            kind: w.kind,
            openedAt: w.opened_at,
            dueAt: w.due_at,
          });
          this.ctx.storage.sql.exec("UPDATE window SET registered = 1 WHERE digest_id = ?", w.digest_id);
        } catch (e) {
          services.log.warn("digest window not registered", { digestId: w.digest_id, error: messageOf(e) });
        } finally {
          await services.close();
        }
      })();
      this.registration = { digestId: w.digest_id, done };
    }
    await this.registration.done;
  }

  private async scheduleAlarm(): Promise<void> {
    const w = this.window();
    const retry = this.sql<{ next_at: number | null }>("SELECT min(next_at) AS next_at FROM outbox")[0]?.next_at ?? null;
    const due = w ? (w.kind === "window" ? w.due_at : w.due_at + SCHEDULED_BACKSTOP_MS) : null;
    const candidates = [due, retry].filter((t): t is number => t !== null);
    if (candidates.length === 0) await this.ctx.storage.deleteAlarm();
    // Outbox rows waiting to be written are due now (next_at 0): an alarm in the past is refused.
    else await this.ctx.storage.setAlarm(Math.max(Math.min(...candidates), Date.now() + 1));
  }

  private window(): WindowRow | undefined {
    return this.sql<WindowRow>("SELECT * FROM window LIMIT 1")[0];
  }

  private itemCount(digestId: string): number {
    return this.sql<{ n: number }>("SELECT count(*) AS n FROM items WHERE digest_id = ?", digestId)[0]?.n ?? 0;
  }

  private sql<T extends Record<string, SqlStorageValue>>(query: string, ...bindings: SqlStorageValue[]): T[] {
    return this.ctx.storage.sql.exec<T>(query, ...bindings).toArray();
  }
}
