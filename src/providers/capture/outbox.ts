import { DurableObject } from "cloudflare:workers";
import { OutgoingEmail } from "../provider";

export type CapturedEmail = OutgoingEmail & { messageId: string; capturedAt: string };

/** Keeps only the newest messages: the outbox is for reading what was just sent, not an archive. */
const KEEP = 1000;

/** The development provider's mailbox, one object for the whole deployment (SQLite storage). */
export class CaptureOutbox extends DurableObject<Record<string, unknown>> {
  constructor(ctx: DurableObjectState, env: Record<string, unknown>) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      ctx.storage.sql.exec(
        "CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT NOT NULL, notification_id TEXT NOT NULL, body TEXT NOT NULL)",
      );
    });
  }

  capture(input: OutgoingEmail): string {
    const email = OutgoingEmail.parse(input);
    const messageId = `capture-${crypto.randomUUID()}`;
    const captured: CapturedEmail = { ...email, messageId, capturedAt: new Date().toISOString() };
    this.ctx.storage.sql.exec("INSERT INTO messages (message_id, notification_id, body) VALUES (?, ?, ?)", messageId, email.notificationId, JSON.stringify(captured));
    this.ctx.storage.sql.exec("DELETE FROM messages WHERE seq <= (SELECT MAX(seq) FROM messages) - ?", KEEP);
    return messageId;
  }

  list(limit = 50): CapturedEmail[] {
    const rows = this.ctx.storage.sql.exec<{ body: string }>("SELECT body FROM messages ORDER BY seq DESC LIMIT ?", limit).toArray();
    return rows.map((r) => JSON.parse(r.body) as CapturedEmail);
  }

  clear(): void {
    this.ctx.storage.sql.exec("DELETE FROM messages");
  }
}
