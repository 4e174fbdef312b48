import { sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { recordDecisions, decideNotifications } from "../../src/decide/decide";
import { acceptEvent } from "../../src/ingest/accept-event";
import { withDb } from "../fixtures/database";
import { call } from "../fixtures/http";
import { fetchPage, ONE_CLICK, postForm } from "../fixtures/recipient-pages";
import { organizationWithSendGrid } from "../fixtures/sendgrid-organization";
import { postSendGrid, sendGridEvent } from "../fixtures/webhook-signers";
import { postComment, waitForStatus } from "../fixtures/notifications";
import { createOrganization } from "../fixtures/organization";
import { claim, deliverDigest, digestsOf, setChoice, windowStub } from "../fixtures/preferences";
import { receivedBy } from "../fixtures/sendgrid-fake";
import { withServices } from "../fixtures/services";

/** A person and an event nobody else in the suite could have written, so finding them anywhere is a leak. */
function distinctive() {
  const tag = crypto.randomUUID().slice(0, 8);
  const local = `zelda.quartermaine-${tag}`;
  return {
    email: `${local}@example.test`,
    local,
    name: `Zelda Quartermaine ${tag}`,
    data: { author: `Ignatius Fairweather ${tag}`, task: `Operation Marzipan ${tag}`, comment: `The vault code is 7741-${tag}`, url: `https://app.test/t/${tag}` },
  };
}

/**
 * Every row of every table of the test's schema as PostgreSQL prints it (`t::text`: all columns,
 * jsonb and arrays included), lower-cased; with the texts of `needles` found in it.
 */
async function leaksOf(needles: string[]): Promise<{ table: string; needle: string }[]> {
  return withDb(async (db) => {
    const tables = await db.execute<{ table_name: string }>(sql`
      SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`);
    expect(tables.rows.map((t) => t.table_name)).toEqual(expect.arrayContaining(["recipients", "events", "notifications", "delivery_attempts", "digests"]));
    const found: { table: string; needle: string }[] = [];
    for (const { table_name } of tables.rows) {
      const rows = await db.execute<{ t: string }>(sql`SELECT t::text AS t FROM ${sql.identifier(table_name)} t`);
      const text = rows.rows.map((r) => r.t.toLowerCase()).join("\n");
      for (const needle of needles) if (text.includes(needle.toLowerCase())) found.push({ table: table_name, needle });
    }
    return found;
  });
}

const needlesOf = (p: ReturnType<typeof distinctive>) => [p.email, p.local, p.name, ...Object.values(p.data)];

describe("personal data at rest", () => {
  it("keeps no readable address, name or event data in any table, while the email arrives with the right To, name and rendered data", async () => {
    const org = await createOrganization();
    const person = distinctive();
    const { notificationId } = await postComment(org.apiKey, person.email, {
      recipients: [{ id: `user-${crypto.randomUUID()}`, email: person.email, name: person.name }],
      data: person.data,
    });
    await waitForStatus(notificationId, ["sent"]);

    const [mail, ...more] = await receivedBy(person.email);
    expect(more).toEqual([]);
    expect(mail?.body.personalizations[0]?.to).toEqual([{ email: person.email, name: person.name }]);
    expect(mail?.body.subject).toBe(`${person.data.author} commented on ${person.data.task}`);
    const html = mail?.body.content.find((c) => c.type === "text/html")?.value ?? "";
    expect(html).toContain(person.data.comment);
    expect(html).toContain(person.data.url);

    expect(await leaksOf(needlesOf(person))).toEqual([]);
    // The dump does see what is stored in the clear: the organisation's sender address, say.
    expect(await leaksOf(["notifications@acme.test"])).not.toEqual([]);
  });

  it("keeps none after a digest of the person's events was composed and sent either", async () => {
    const org = await createOrganization();
    const person = distinctive();
    const recipientId = `user-${crypto.randomUUID()}`;
    // Stored as ingest stores them (sealed) but not enqueued: decided by hand once the person chose
    // digests, so the window is ours to close.
    const store = (recipient: { id: string; email: string; name?: string }) =>
      withServices(async (services) => {
        const stored = await acceptEvent(
          services.db,
          org.organizationId,
          { type: "comment.created", recipients: [recipient], data: person.data },
          { emailHashKey: await services.keys.emailHash(), sealingKeys: await services.keys.sealing() },
        );
        if (!stored.ok) throw new Error(JSON.stringify(stored.error));
        return stored.value.notifications.map((n) => n.id);
      });
    const later = [...(await store({ id: recipientId, email: person.email, name: person.name })), ...(await store({ id: recipientId, email: person.email }))];
    const internalId = await withDb(
      async (db) => (await db.execute<{ id: string }>(sql`SELECT recipient_id AS id FROM notifications WHERE id = ${later[0] ?? ""}::uuid`)).rows[0]?.id ?? "",
    );
    await setChoice(org.organizationId, internalId, "comments", { delivery: "digest", digest: { kind: "window", minutes: 60, maxItems: 10 } });
    await withServices(async (services) => {
      const claimed = await claim(services, later);
      await recordDecisions(services.db, claimed, await decideNotifications(services, claimed));
    });
    expect(later).toHaveLength(2);
    await windowStub(org.organizationId, internalId, "comments").flush({});
    const digestId = await vi.waitFor(async () => {
      const row = (await digestsOf(internalId)).find((d) => d.status !== "open");
      if (!row) throw new Error("the window has not closed yet");
      return row.id;
    });
    await withServices((services) => deliverDigest(services, digestId));
    const [digest, ...more] = await vi.waitFor(async () => {
      const received = await receivedBy(person.email);
      if (received.length === 0) throw new Error("the digest has not arrived yet");
      return received;
    });
    expect(more).toEqual([]);
    expect(digest?.body.personalizations[0]?.to).toEqual([{ email: person.email, name: person.name }]);
    expect(digest?.body.content.map((c) => c.value).join("\n")).toContain(person.data.task);

    expect(await leaksOf(needlesOf(person))).toEqual([]);
  });
  it("keeps none after provider webhooks quoting the address, the preference centre, a one-click unsubscribe and an erase", async () => {
    const org = await organizationWithSendGrid();
    const person = distinctive();
    const recipientId = `user-${crypto.randomUUID()}`;
    const { notificationId } = await postComment(org.apiKey, person.email, { recipients: [{ id: recipientId, email: person.email, name: person.name }], data: person.data });
    const sent = await waitForStatus(notificationId, ["sent"]);
    const [mail] = await receivedBy(person.email);

    const about = { messageId: sent.providerMessageId ?? "", notificationId, email: person.email };
    const posted = await postSendGrid(org.path, org.account, [
      sendGridEvent("delivered", about),
      sendGridEvent("open", about),
      // Provider texts are scrubbed of addresses on arrival; a name quoted in one is taken out by an erase only.
      sendGridEvent("bounce", about, { type: "bounce", reason: `550 5.1.1 <${person.email}>: no such user` }),
    ]);
    expect(posted.status, JSON.stringify(posted.body)).toBeLessThan(300);
    await waitForStatus(notificationId, ["bounced"]);

    const html = mail?.body.content.find((c) => c.type === "text/html")?.value ?? "";
    const preferences = html.match(/https:\/\/tidings\.test(\/p\/[^"]+)/)?.[1] ?? expect.fail("a preference-centre link");
    expect((await fetchPage(preferences)).status).toBe(200);
    const unsubscribe = mail?.body.headers?.["List-Unsubscribe"]?.match(/<https:\/\/tidings\.test(\/u\/[^>]+)>/)?.[1] ?? expect.fail("a one-click link");
    expect((await postForm(unsubscribe, ONE_CLICK)).status).toBe(200);
    expect(await leaksOf(needlesOf(person))).toEqual([]);

    const erased = await call("DELETE", `/v1/recipients/${recipientId}`, { key: org.apiKey });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expect(await leaksOf(needlesOf(person))).toEqual([]);
  });
});
