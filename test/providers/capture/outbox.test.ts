import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { CapturedEmail } from "../../../src/providers/capture/outbox";
import worker from "../../../src/index";
import { CaptureProvider } from "../../../src/providers/capture/send";
import { call } from "../../fixtures/http";
import { uniqueEmail } from "../../fixtures/organization";

describe("the capture provider and GET /dev/outbox", () => {
  it("keeps a sent message where /dev/outbox shows it, newest first", async () => {
    const provider = new CaptureProvider(env.CAPTURE_OUTBOX);
    const to = uniqueEmail("outbox");
    const sent = await provider.send({
      notificationId: crypto.randomUUID(),
      organizationId: crypto.randomUUID(),
      to: { email: to },
      from: { email: "notifications@acme.test" },
      subject: "Hello",
      html: "<p>Hello</p>",
      text: "Hello",
      headers: { "X-Test": "1" },
    });
    expect(sent.ok).toBe(true);
    const res = await call<{ messages: CapturedEmail[] }>("GET", "/dev/outbox?limit=5");
    expect(res.status).toBe(200);
    const mine = res.body.messages.find((m) => m.to.email === to);
    expect(mine).toMatchObject({ subject: "Hello", html: "<p>Hello</p>", text: "Hello", headers: { "X-Test": "1" } });
    expect(mine?.messageId).toBe(sent.ok ? sent.value.messageId : "not sent");
  });

  it("does not exist when DEV_MODE is off", async () => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request("https://tidings.test/dev/outbox"), { ...env, DEV_MODE: "false" }, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
  });
});
