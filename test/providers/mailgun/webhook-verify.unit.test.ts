import { describe, expect, it } from "vitest";
import { refuseReplayedToken, verifyMailgunSignature, verifyMailgunWebhook } from "../../../src/providers/mailgun/webhook-verify";
import { InMemoryTokenReplayGuard } from "../../../src/providers/mailgun/replay-guard";
import { MAILGUN_EMPTY_REQUEST, MAILGUN_OTHER_TOKEN, MAILGUN_SIGNATURE, MAILGUN_SIGNING_KEY, MAILGUN_TIMESTAMP, MAILGUN_TOKEN } from "../../fixtures/webhook-vectors/mailgun";

const signedAt = new Date(Number(MAILGUN_TIMESTAMP) * 1000);
const published = { signingKey: MAILGUN_SIGNING_KEY, timestamp: MAILGUN_TIMESTAMP, token: MAILGUN_TOKEN, signature: MAILGUN_SIGNATURE, now: signedAt };

async function codeOf(input: Partial<typeof published>) {
  const result = await verifyMailgunSignature({ ...published, ...input });
  return result.ok ? "OK" : result.error.code;
}

describe("Mailgun webhook signature", () => {
  it("accepts Mailgun's published valid vector, with the signature in either case", async () => {
    expect(await codeOf({})).toBe("OK");
    expect(await codeOf({ signature: MAILGUN_SIGNATURE.toUpperCase() })).toBe("OK");
  });

  it("refuses Mailgun's published bad vector (same signature, other token) and its empty request", async () => {
    expect(await codeOf({ token: MAILGUN_OTHER_TOKEN })).toBe("BAD_SIGNATURE");
    expect(await codeOf({ ...MAILGUN_EMPTY_REQUEST, now: new Date(0) })).toBe("MALFORMED_SIGNATURE");
  });

  it("refuses a wrong signing key, another timestamp and a signature altered by one digit", async () => {
    expect(await codeOf({ signingKey: "key-0000000000000000000000000000000" })).toBe("BAD_SIGNATURE");
    expect(await codeOf({ timestamp: String(Number(MAILGUN_TIMESTAMP) + 1) })).toBe("BAD_SIGNATURE");
    expect(await codeOf({ signature: `${MAILGUN_SIGNATURE.slice(0, -1)}4` })).toBe("BAD_SIGNATURE");
  });

  it("refuses a stale timestamp and one that is not Unix seconds", async () => {
    expect(await codeOf({ now: new Date(signedAt.getTime() + 601_000) })).toBe("STALE_TIMESTAMP");
    expect(await codeOf({ timestamp: "2014-06-24T21:27:00Z" })).toBe("MALFORMED_TIMESTAMP");
  });

  it("refuses signatures that are not 64 hex digits and reports a missing key as configuration", async () => {
    expect(await codeOf({ signature: MAILGUN_SIGNATURE.slice(2) })).toBe("MALFORMED_SIGNATURE");
    expect(await codeOf({ signature: `zz${MAILGUN_SIGNATURE.slice(2)}` })).toBe("MALFORMED_SIGNATURE");
    expect(await codeOf({ signingKey: "" })).toBe("INVALID_KEY");
  });
});

describe("Mailgun token replay", () => {
  it("accepts a signed token once and refuses it the second time", async () => {
    const replayGuard = new InMemoryTokenReplayGuard(() => signedAt.getTime());
    const first = await verifyMailgunWebhook({ ...published, replayGuard });
    const second = await verifyMailgunWebhook({ ...published, replayGuard });
    expect(first.ok).toBe(true);
    expect(second.ok ? "OK" : second.error.code).toBe("REPLAYED_TOKEN");
  });

  it("does not record tokens of requests whose signature failed, so forged tokens cannot block real ones", async () => {
    const replayGuard = new InMemoryTokenReplayGuard(() => signedAt.getTime());
    const forged = await verifyMailgunWebhook({ ...published, signature: "0".repeat(64), replayGuard });
    expect(forged.ok ? "OK" : forged.error.code).toBe("BAD_SIGNATURE");
    expect((await verifyMailgunWebhook({ ...published, replayGuard })).ok).toBe(true);
  });

  it("remembers a token for as long as its timestamp stays fresh, then lets the guard forget it", async () => {
    let clock = signedAt.getTime() + 100_000;
    const guard = new InMemoryTokenReplayGuard(() => clock);
    const asked: number[] = [];
    const spyGuard = {
      seen: (token: string, ttl: number) => {
        asked.push(ttl);
        return guard.seen(token, ttl);
      },
    };
    const now = new Date(clock);
    expect((await refuseReplayedToken({ guard: spyGuard, token: MAILGUN_TOKEN, timestamp: MAILGUN_TIMESTAMP, now })).ok).toBe(true);
    expect(asked).toEqual([500]);
    clock += 499_000;
    expect((await refuseReplayedToken({ guard: spyGuard, token: MAILGUN_TOKEN, timestamp: MAILGUN_TIMESTAMP, now })).ok).toBe(false);
    clock += 1_000;
    expect(await guard.seen(MAILGUN_TOKEN, 1)).toBe(false);
  });
});
