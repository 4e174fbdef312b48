import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/platform/db/client";
import { claimNotifications } from "../../src/send/claim";
import { acceptEvent } from "../../src/ingest/accept-event";
import { sealingKeys } from "../../src/platform/crypto/sealing-keys";
import { recordOutcomes } from "../../src/send/record";
import worker from "../../src/index";
import { SendGridProvider } from "../../src/providers/sendgrid/send";
import type { CreateEventResponse } from "../../src/ingest/routes/create-event";
import { storePendingComment } from "../fixtures/ingest";
import { loadNotification, waitForStatus } from "../fixtures/notifications";
import { createOrganization, testEnv, uniqueEmail } from "../fixtures/organization";
import { receivedBy } from "../fixtures/sendgrid-fake";
import { call } from "../fixtures/http";
import { TEST_SENDGRID_API_KEY } from "../setup/constants";

async function sweepAt(at: Date) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: at.getTime() }), env, ctx);
  await waitOnExecutionContext(ctx);
}
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000);

describe("the delivery guarantee under faults", () => {
  it("resends at most once when a consumer dies after the provider accepted but before it recorded the send", async () => {
    const org = await createOrganization();
    const { email, notificationId } = await storePendingComment(org.organizationId);
    const { db, close } = openDatabase(testEnv());
    // The doomed consumer: claims, gets the provider to accept, and dies before writing anything.
    const {
      claimed: [claimed],
    } = await claimNotifications(db, [notificationId], 120, await sealingKeys(testEnv()));
    const provider = new SendGridProvider({ apiKey: TEST_SENDGRID_API_KEY, baseUrl: String(env.SENDGRID_BASE_URL) });
    const accepted = await provider.send({
      notificationId,
      organizationId: org.organizationId,
      to: { email },
      from: { email: "notifications@acme.test" },
      subject: "s",
      html: "<p>h</p>",
      text: "h",
      headers: {},
    });
    expect(accepted.ok).toBe(true);

    await sweepAt(inMinutes(1));
    expect((await loadNotification(notificationId)).status).toBe("sending");
    await sweepAt(inMinutes(3));
    await waitForStatus(notificationId, ["sent"]);
    await sweepAt(inMinutes(10));

    // The dead consumer's late write, were it to come back, no longer matches the claim.
    if (!claimed) throw new Error("the doomed consumer claimed nothing");
    const landed = await recordOutcomes(db, [{ mail: claimed, attempts: [], next: { status: "failed", reason: "late" } }]);
    await close();
    expect(landed.size).toBe(0);
    expect((await loadNotification(notificationId)).status).toBe("sent");
    expect(await receivedBy(email)).toHaveLength(2);
  });

  it("loses nothing when the queue send fails after the commit: the event is accepted and the sweeper sends it once", async () => {
    const org = await createOrganization();
    const email = uniqueEmail("queue-down");
    const brokenQueue = { send: () => Promise.reject(new Error("queue unavailable")), sendBatch: () => Promise.reject(new Error("queue unavailable")) };
    const request = new Request("https://tidings.test/v1/events", {
      method: "POST",
      headers: { authorization: `Bearer ${org.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ type: "comment.created", recipients: [{ id: "u1", email }], data: { author: "A", task: "T" } }),
    });
    const ctx = createExecutionContext();
    const res = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, { ...env, NOTIFICATION_QUEUE: brokenQueue as unknown as Queue }, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(202);
    const body = (await res.json()) as CreateEventResponse;
    const notificationId = body.notifications[0]?.id ?? "";
    expect(body.notifications[0]?.status).toBe("pending");
    // The rows were written `queued` and put back when the send failed: the sweeper's grace for `pending` applies.
    expect((await loadNotification(notificationId)).status).toBe("pending");

    await sweepAt(inMinutes(2));
    await waitForStatus(notificationId, ["sent"]);
    await sweepAt(inMinutes(5));
    expect(await receivedBy(email)).toHaveLength(1);
  });

  it("loses nothing when the Worker dies between the commit and the queue send: the sweep for lost messages sends it once", async () => {
    const org = await createOrganization();
    const email = uniqueEmail("died-before-send");
    // What ingest has written when its isolate is killed before `sendBatch`: the rows, `queued`, and no message.
    const { db, close } = openDatabase(testEnv());
    const accepted = await acceptEvent(db, org.organizationId, { type: "comment.created", recipients: [{ id: "u1", email }], data: { author: "A", task: "T" } });
    await close();
    if (!accepted.ok) throw new Error(JSON.stringify(accepted.error));
    const notificationId = accepted.value.notifications[0]?.id ?? "";
    expect((await loadNotification(notificationId)).status).toBe("queued");

    // Within the grace the sweeper cannot tell a lost message from one still in the queue.
    await sweepAt(inMinutes(5));
    expect((await loadNotification(notificationId)).status).toBe("queued");
    await sweepAt(inMinutes(16));
    await waitForStatus(notificationId, ["sent"]);
    await sweepAt(inMinutes(40));
    expect(await receivedBy(email)).toHaveLength(1);
  });

  it("sends one email for a POST that is retried with the same idempotency key", async () => {
    const org = await createOrganization();
    const email = uniqueEmail("dup");
    const body = { type: "comment.created", recipients: [{ id: "u1", email }], data: { author: "A", task: "T" }, idempotencyKey: "retry-me" };
    const first = await call<CreateEventResponse>("POST", "/v1/events", { key: org.apiKey, body });
    const again = await call<CreateEventResponse>("POST", "/v1/events", { key: org.apiKey, body });
    expect(again.body.duplicate).toBe(true);
    expect(again.body.notifications[0]?.id).toBe(first.body.notifications[0]?.id);
    await waitForStatus(first.body.notifications[0]?.id ?? "", ["sent"]);
    expect(await receivedBy(email)).toHaveLength(1);
  });
});
