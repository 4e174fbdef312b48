import { describe, expect, it } from "vitest";
import { postComment, waitForStatus } from "../fixtures/notifications";
import { createOrganization, uniqueEmail } from "../fixtures/organization";
import { configureProviders, sendgridAt } from "../fixtures/providers";
import { receivedBy, setFakeBehaviour } from "../fixtures/sendgrid-fake";

describe("a notification no provider will take", () => {
  it("is retried three times through the real queue, then dead-lettered and failed with the last error", async () => {
    const org = await createOrganization();
    await configureProviders(org.apiKey, [sendgridAt(), sendgridAt()]);
    const email = uniqueEmail("down");
    await setFakeBehaviour({ to: email, failNext: 100, failureStatus: 503 });
    const { notificationId } = await postComment(org.apiKey, email);

    const n = await waitForStatus(notificationId, ["failed"], 28_000);
    expect(n.failureReason).toMatch(/^gave up after retries: SendGrid answered 503/);
    // One delivery and three retries, each trying both providers.
    expect(n.attempts).toHaveLength(8);
    expect(n.attempts.every((a) => a.outcome === "retryable")).toBe(true);
    expect(await receivedBy(email)).toHaveLength(0);
  }, 40_000);
});
