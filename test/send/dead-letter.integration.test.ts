import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { parseEnv } from "../../src/env";
import { postComment, waitForStatus } from "../fixtures/notifications";
import { createOrganization, uniqueEmail } from "../fixtures/organization";
import { configureProviders, sendgridAt } from "../fixtures/providers";
import { receivedBy, setFakeBehaviour } from "../fixtures/sendgrid-fake";

describe("a notification no provider will take", () => {
  it("comes back through the real queue for each send round, then fails with the last error", async () => {
    const rounds = parseEnv(env).SEND_MAX_ROUNDS;
    const org = await createOrganization();
    await configureProviders(org.apiKey, [sendgridAt(), sendgridAt()]);
    const email = uniqueEmail("down");
    await setFakeBehaviour({ to: email, failNext: 100, failureStatus: 503 });
    const { notificationId } = await postComment(org.apiKey, email);

    const n = await waitForStatus(notificationId, ["failed"], 28_000);
    expect(n.failureReason).toMatch(new RegExp(`^gave up after ${rounds} send rounds: SendGrid answered 503`));
    expect(n.retryRounds).toBe(rounds - 1);
    // Every round tried both providers.
    expect(n.attempts).toHaveLength(rounds * 2);
    expect(n.attempts.every((a) => a.outcome === "retryable")).toBe(true);
    expect(await receivedBy(email)).toHaveLength(0);
  }, 40_000);
});
