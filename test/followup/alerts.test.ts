import { describe, expect, it } from "vitest";
import type { AlertInput } from "../../src/platform/alerts/fire";
import { alertCircuitsOpened, alertFailedMail } from "../../src/send/alerts";
import { createOrganization, testEnv } from "../fixtures/organization";
import { alertsMentioning } from "../fixtures/followup";
import { fixedClock, withServices } from "../fixtures/services";

const windowMs = testEnv().ALERT_WINDOW_SECONDS * 1000;
/** The middle of a window, so "the same window" cannot straddle a boundary. */
const midWindow = (offset = 0) => new Date((Math.floor(Date.now() / windowMs) + offset) * windowMs + windowMs / 2);

async function fire(input: AlertInput, now: Date) {
  return withServices(
    async (services) => {
      const result = await services.alerts.fire(input);
      if (!result.ok) throw new Error(result.error.message);
      if (result.value.fired) await result.value.delivery;
      return result.value.fired;
    },
    { clock: fixedClock(now) },
  );
}

describe("alerts", () => {
  it("fires once per condition per window: one log line and one Slack-compatible post", async () => {
    const circuit = `sendgrid:${crypto.randomUUID()}`;
    const input: AlertInput = { kind: "circuit_open", condition: circuit, subject: `Provider circuit ${circuit} opened`, message: "It failed repeatedly.", details: { circuit } };
    const now = midWindow();
    expect(await fire(input, now)).toBe(true);
    expect(await fire(input, new Date(now.getTime() + 60_000))).toBe(false);
    expect(await fire({ ...input, message: "Again, other words." }, now)).toBe(false);

    const posts = await alertsMentioning(circuit);
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ method: "POST", json: { text: expect.stringContaining(circuit) } });
    const blocks = (posts[0]?.json as { blocks: { type: string }[] } | undefined)?.blocks;
    expect(blocks?.map((b) => b.type)).toEqual(["header", "section", "context"]);
  });

  it("fires again for another condition, another organisation, or in the next window", async () => {
    const condition = crypto.randomUUID();
    const [a, b] = await Promise.all([createOrganization(), createOrganization()]);
    const base: AlertInput = { kind: "bounce_guard", organizationId: a.organizationId, condition, subject: "Sending paused", message: "test" };
    expect(await fire(base, midWindow())).toBe(true);
    expect(await fire({ ...base, organizationId: b.organizationId }, midWindow())).toBe(true);
    expect(await fire({ ...base, condition: `${condition}-other` }, midWindow())).toBe(true);
    expect(await fire(base, midWindow(1))).toBe(true);
    expect(await fire(base, midWindow(1))).toBe(false);
    expect(await alertsMentioning(condition)).toHaveLength(4);
  });

  it("raises one alert per organisation however many of its notifications failed, and one per opened circuit", async () => {
    const org = await createOrganization();
    const failures = Array.from({ length: 5 }, () => ({ organizationId: org.organizationId, id: crypto.randomUUID(), reason: "template broken" }));
    const clock = fixedClock(midWindow());
    await withServices((s) => alertFailedMail(s, "notification", failures), { clock });
    await withServices((s) => alertFailedMail(s, "notification", failures.slice(0, 1)), { clock });
    const posts = await alertsMentioning(org.organizationId);
    expect(posts).toHaveLength(1);
    expect((posts[0]?.json as { text: string } | undefined)?.text).toContain("5 notification(s) ended failed");

    const circuit = `mailgun:${crypto.randomUUID()}`;
    await withServices((s) => alertCircuitsOpened(s, [circuit, circuit]), { clock });
    expect(await alertsMentioning(circuit)).toHaveLength(1);
  });
});
