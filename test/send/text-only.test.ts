import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { recipients } from "../../src/platform/db/schema";
import { postComment, waitForStatus } from "../fixtures/notifications";
import { createOrganization } from "../fixtures/organization";
import { createRecipient, setChoice } from "../fixtures/preferences";
import { openedRecipient } from "../fixtures/sealed";
import { withServices } from "../fixtures/services";
import { receivedBy } from "../fixtures/sendgrid-fake";

/** A recipient who asked for plain text, known to Tidings before the event names them. */
async function textOnlyRecipient(organizationId: string) {
  const r = await createRecipient(organizationId);
  await withServices((s) => s.db.update(recipients).set({ textOnly: true }).where(eq(recipients.id, r.id)));
  return { ...r, asEventRecipient: { id: r.externalId, email: r.email, name: "Ada" } };
}

describe("recipients who want plain text only", () => {
  it("get a notification with a text part alone, still carrying the unsubscribe link and one-click headers", async () => {
    const org = await createOrganization();
    const r = await textOnlyRecipient(org.organizationId);
    const { notificationId } = await postComment(org.apiKey, r.email, { recipients: [r.asEventRecipient] });
    await waitForStatus(notificationId, ["sent"]);

    const [mail, ...rest] = await receivedBy(r.email);
    expect(rest).toHaveLength(0);
    expect(mail?.body.content.map((c) => c.type)).toEqual(["text/plain"]);
    const text = mail?.body.content[0]?.value ?? "";
    expect(text).toContain("Grace");
    // Event data is text here, not markup: the script tag arrives as written, never as HTML.
    expect(text).toContain("<script>alert(1)</script>");
    expect(text).toMatch(/\/u\/[\w.-]+/);
    expect(mail?.body.headers).toMatchObject({ "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" });
  });

  it("keep getting HTML and text when they have not asked, and the choice survives the next event naming them", async () => {
    const org = await createOrganization();
    const r = await textOnlyRecipient(org.organizationId);
    const other = await postComment(org.apiKey);
    await waitForStatus(other.notificationId, ["sent"]);
    expect((await receivedBy(other.email))[0]?.body.content.map((c) => c.type)).toEqual(["text/plain", "text/html"]);

    await postComment(org.apiKey, r.email, { recipients: [{ ...r.asEventRecipient, name: "Ada Lovelace" }] });
    const [row] = await withServices((s) => s.db.select().from(recipients).where(eq(recipients.id, r.id)));
    const opened = await openedRecipient(row ?? expect.fail("no recipient"));
    expect({ textOnly: opened.textOnly, name: opened.name }).toEqual({ textOnly: true, name: "Ada Lovelace" });
  });

  it("get their digest as plain text too, listing every item", async () => {
    const org = await createOrganization();
    const r = await textOnlyRecipient(org.organizationId);
    await setChoice(org.organizationId, r.id, "comments", { delivery: "digest", digest: { kind: "window", minutes: 60, maxItems: 2 } });
    await postComment(org.apiKey, r.email, { recipients: [r.asEventRecipient], data: { author: "Grace", task: "First task", comment: "one", url: "https://app.test/t/1" } });
    await postComment(org.apiKey, r.email, { recipients: [r.asEventRecipient], data: { author: "Alan", task: "Second task", comment: "two", url: "https://app.test/t/2" } });

    const mail = await vi.waitFor(
      async () => {
        const [m] = await receivedBy(r.email);
        if (!m) throw new Error("no digest email yet");
        return m;
      },
      { timeout: 20_000, interval: 200 },
    );
    expect(mail.body.subject).toMatch(/^2 new updates from /);
    expect(mail.body.content.map((c) => c.type)).toEqual(["text/plain"]);
    expect(mail.body.content[0]?.value).toContain("https://app.test/t/1");
    expect(mail.body.content[0]?.value).toContain("https://app.test/t/2");
  });
});
