import { describe, expect, it } from "vitest";
import { TEST_SENDGRID_API_KEY } from "./setup/constants";
import { postComment, waitForStatus } from "./fixtures/notifications";
import { createOrganization } from "./fixtures/organization";
import { receivedBy } from "./fixtures/sendgrid-fake";

describe("an event end to end", () => {
  it("goes from POST /v1/events through the real queue to SendGrid's mail/send, escaped and correlated", async () => {
    const org = await createOrganization("Acme");
    const { email, notificationId } = await postComment(org.apiKey);
    await waitForStatus(notificationId, ["sent"]);

    const [mail, ...more] = await receivedBy(email);
    expect(more).toHaveLength(0);
    expect(mail?.headers.authorization).toBe(`Bearer ${TEST_SENDGRID_API_KEY}`);
    const body = mail?.body;
    expect(body?.personalizations[0]?.to).toEqual([{ email, name: "Ada" }]);
    expect(body?.from).toEqual({ email: "notifications@acme.test", name: "Acme Notifications" });
    expect(body?.subject).toBe("Grace commented on Ship v1");
    expect(body?.custom_args).toEqual({ tidings_notification_id: notificationId, tidings_organization_id: org.organizationId });
    expect(body?.content.map((c) => c.type)).toEqual(["text/plain", "text/html"]);
    const [text, html] = body?.content.map((c) => c.value) ?? [];
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>");
    expect(html).toContain("Sent by Acme via Tidings.");
    expect(text).toContain("Open the task (https://app.test/t/1)");
  });
});
