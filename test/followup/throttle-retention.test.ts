import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { purgeExpiredContent } from "../../src/followup/retention";
import { admitThrottled } from "../../src/decide/timing/throttle";
import { createOrganization } from "../fixtures/organization";
import { createRecipient } from "../fixtures/preferences";
import { fixedClock, withServices } from "../fixtures/services";
import { addCommentRule } from "../fixtures/timing";

const HOUR_MS = 3_600_000;

describe("retention of throttle windows", () => {
  it("deletes windows a day past their end in capped chunks and keeps younger ones", async () => {
    const org = await createOrganization();
    const ruleId = await addCommentRule(org, { key: "profile-viewed" });
    const recipient = await createRecipient(org.organizationId);
    const now = new Date();
    const throttle = { limit: 1, windowSeconds: 3600, overflow: "skip" as const };
    const admit = (at: Date) =>
      withServices((s) => admitThrottled(s.db, [{ id: crypto.randomUUID(), organizationId: org.organizationId, recipientId: recipient.id, ruleId, throttle }], at));
    for (const hoursAgo of [72, 73, 74, 12]) await admit(new Date(now.getTime() - hoursAgo * HOUR_MS));
    const windows = () =>
      withServices(async (s) => (await s.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM throttle_windows WHERE rule_id = ${ruleId}::uuid`)).rows[0]?.n);
    const purge = (options: { chunk?: number; limit?: number } = {}) => withServices((s) => purgeExpiredContent(s, now, options), { clock: fixedClock(now) });

    const capped = await purge({ chunk: 1, limit: 2 });
    expect(capped.throttleWindows).toBe(2);
    expect(await windows()).toBeGreaterThanOrEqual(2);

    await purge();
    expect(await windows()).toBe(1);
  });
});
