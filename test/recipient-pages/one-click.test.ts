import { describe, expect, it } from "vitest";
import { setDefault } from "../fixtures/preferences";
import { fetchPage, ONE_CLICK, pageSubject, postForm, randomKeySpec, recipientState, signWith } from "../fixtures/recipient-pages";

describe("POST /u/:token, RFC 8058 one-click unsubscribe", () => {
  it.each(["urlencoded", "multipart"] as const)(
    "unsubscribes from the token's category when List-Unsubscribe=One-Click arrives %s, with 200, no Location and no cookie",
    async (encoding) => {
      const { recipient, sign } = await pageSubject();
      const res = await postForm(`/u/${await sign("comments")}`, ONE_CLICK, encoding);
      expect(res.status, res.text).toBe(200);
      expect(res.headers.get("location")).toBeNull();
      expect(res.headers.get("set-cookie")).toBeNull();
      const state = await recipientState(recipient.id);
      expect(state.choices).toEqual([{ category: "comments", enabled: false, delivery: null, digest: null }]);
      expect(state.unsubscribedAt).toBeNull();
    },
  );

  it("needs no cookie, login or CSRF token: a bare POST with only the one-click field works", async () => {
    const { recipient, sign } = await pageSubject();
    const res = await fetchPage(`/u/${await sign("comments")}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(res.status).toBe(200);
    expect((await recipientState(recipient.id)).choices[0]?.enabled).toBe(false);
  });

  it("unsubscribes from all non-critical mail when the token names no category", async () => {
    const { recipient, sign } = await pageSubject();
    const res = await postForm(`/u/${await sign()}`, ONE_CLICK);
    expect(res.status).toBe(200);
    const state = await recipientState(recipient.id);
    expect(state.unsubscribedAt).toBeInstanceOf(Date);
    expect(state.choices).toEqual([]);
  });

  it("is idempotent: a repeated POST answers 200 and changes nothing more, and the audit log has one row", async () => {
    const { recipient, sign } = await pageSubject();
    const path = `/u/${await sign()}`;
    expect((await postForm(path, ONE_CLICK)).status).toBe(200);
    const first = await recipientState(recipient.id);
    expect((await postForm(path, ONE_CLICK, "multipart")).status).toBe(200);
    const second = await recipientState(recipient.id);
    expect(second.unsubscribedAt?.getTime()).toBe(first.unsubscribedAt?.getTime());
    expect(second.audit).toHaveLength(1);
  });

  it("records who, when and how in the audit log", async () => {
    const { organization, recipient, sign } = await pageSubject();
    await postForm(`/u/${await sign("comments")}`, ONE_CLICK);
    const [row] = (await recipientState(recipient.id)).audit;
    expect(row).toMatchObject({
      organizationId: organization.organizationId,
      actorType: "recipient",
      actorId: recipient.id,
      action: "recipient.unsubscribe_category",
      targetType: "recipient",
      targetId: recipient.id,
      via: "one-click",
      details: { scope: "category", category: "comments", changed: true },
    });
    expect(row?.createdAt).toBeInstanceOf(Date);
  });

  it("records the page's own button as via unsubscribe-page", async () => {
    const { recipient, sign } = await pageSubject();
    await postForm(`/u/${await sign("comments")}`, [...ONE_CLICK, ["via", "page"]]);
    expect((await recipientState(recipient.id)).audit[0]?.via).toBe("unsubscribe-page");
  });

  it("turns a locked category's unsubscribe into one from all non-critical mail, since the lock would ignore a category opt-out", async () => {
    const { organization, recipient, sign } = await pageSubject();
    await setDefault(organization.organizationId, "comments", { locked: true });
    expect((await postForm(`/u/${await sign("comments")}`, ONE_CLICK)).status).toBe(200);
    const state = await recipientState(recipient.id);
    expect(state.unsubscribedAt).toBeInstanceOf(Date);
    expect(state.audit[0]).toMatchObject({ action: "recipient.unsubscribe_all", details: { lockedCategory: "comments" } });
  });

  it.each([
    ["no body", undefined, undefined],
    ["another value", "application/x-www-form-urlencoded", "List-Unsubscribe=Yes"],
    ["a JSON body", "application/json", JSON.stringify({ "List-Unsubscribe": "One-Click" })],
  ])("refuses %s with 400 and our error envelope, changing nothing", async (_label, type, body) => {
    const { recipient, sign } = await pageSubject();
    const res = await fetchPage(`/u/${await sign("comments")}`, { method: "POST", ...(type ? { headers: { "content-type": type } } : {}), ...(body ? { body } : {}) });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({ error: { code: "BAD_REQUEST" } });
    expect(await recipientState(recipient.id)).toMatchObject({ unsubscribedAt: null, choices: [], audit: [] });
  });
});

describe("forged, altered and unknown-key tokens", () => {
  const tampered = async (subject: Awaited<ReturnType<typeof pageSubject>>) => {
    const good = await subject.sign("comments");
    const [kid, body, mac] = good.split(".") as [string, string, string];
    const otherBody = btoa(JSON.stringify({ o: subject.organization.organizationId, r: subject.recipient.id }))
      .replace(/=+$/, "")
      .replace(/\+/g, "-")
      .replace(/\//g, "_");
    const claims = { organizationId: subject.organization.organizationId, recipientId: subject.recipient.id };
    return [
      ["an altered claim (category removed)", `${kid}.${otherBody}.${mac}`],
      ["a forged signature", `${kid}.${body}.${"A".repeat(43)}`],
      ["a key the service does not hold", await signWith(randomKeySpec("k2"), claims)],
      ["an unknown key id", await signWith(randomKeySpec("k9"), claims)],
      ["garbage", "not-a-token"],
    ] as const;
  };

  it("POST answers 400 with the error envelope and changes nothing, for each kind of bad token", async () => {
    const subject = await pageSubject();
    for (const [label, token] of await tampered(subject)) {
      const res = await postForm(`/u/${token}`, ONE_CLICK);
      expect(res.status, label).toBe(400);
      expect(JSON.parse(res.text), label).toMatchObject({ error: { code: "BAD_REQUEST", fields: [{ path: "token" }] } });
    }
    expect(await recipientState(subject.recipient.id)).toMatchObject({ unsubscribedAt: null, choices: [], audit: [] });
  });

  it("GET of an unsubscribe or preference link answers a 404 page, for each kind of bad token", async () => {
    const subject = await pageSubject();
    for (const [label, token] of await tampered(subject)) {
      for (const prefix of ["u", "p"]) {
        const res = await fetchPage(`/${prefix}/${token}`);
        expect(res.status, `${prefix} ${label}`).toBe(404);
        expect(res.text).toContain("This link does not work");
      }
    }
  });

  it("honours a link signed by the previous key while it is still listed", async () => {
    const subject = await pageSubject();
    // vitest.config.ts lists k1 after the current k2, as a rotation leaves them.
    const { env } = await import("cloudflare:test");
    const k1 = String(env.TOKEN_SIGNING_KEYS).split(",")[1] ?? "";
    const token = await signWith(k1, { organizationId: subject.organization.organizationId, recipientId: subject.recipient.id, category: "comments" });
    expect((await postForm(`/u/${token}`, ONE_CLICK)).status).toBe(200);
  });
});

describe("GET /u/:token", () => {
  it("shows a confirmation page whose button posts the one-click field, and changes nothing", async () => {
    const { recipient, sign } = await pageSubject();
    const token = await sign("comments");
    const res = await fetchPage(`/u/${token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.text).toContain(`<form method="post" action="/u/${token}">`);
    expect(res.text).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click"/>');
    expect(res.text).toContain("Stop emails about Comments from Acme?");
    expect(await recipientState(recipient.id)).toMatchObject({ unsubscribedAt: null, choices: [], audit: [] });
  });
});
