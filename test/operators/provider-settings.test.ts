import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { parseEnv } from "../../src/env";
import type { ErrorBody } from "../../src/platform/errors";
import type { ProvidersView } from "../../src/operators/provider-schema";
import { environmentProviderSettings } from "../../src/providers/defaults";
import { checkProviderHosts, hostPolicy } from "../../src/providers/hosts";
import { statusLine } from "../../src/providers/shared/status-line";
import { storeSent } from "../fixtures/followup";
import { call } from "../fixtures/http";
import { createOrganization } from "../fixtures/organization";
import { configureProviders, sendgridAt } from "../fixtures/providers";
import { TEST_SENDGRID_API_KEY } from "../setup/constants";
import { postSendGrid, sendGridAccount, sendGridEvent } from "../fixtures/webhook-signers";

const put = (apiKey: string, providers: unknown[]) => call<ProvidersView & ErrorBody>("PUT", "/v1/providers", { key: apiKey, body: { providers } });

describe("provider settings cannot probe the network", () => {
  it.each([
    ["a cloud metadata address as SendGrid's base URL", { provider: "sendgrid", apiKey: "SG.x", baseUrl: "https://169.254.169.254/latest" }, "providers.0.baseUrl"],
    ["plain http to SendGrid's own host", { provider: "sendgrid", apiKey: "SG.x", baseUrl: "http://api.sendgrid.com" }, "providers.0.baseUrl"],
    ["another company's host as Mailgun's", { provider: "mailgun", apiKey: "key", domain: "mg.acme.test", baseUrl: "https://intranet.example.com" }, "providers.0.baseUrl"],
    [
      "an SES endpoint that is not AWS",
      { provider: "ses", accessKeyId: "AKIA", secretAccessKey: "s", region: "eu-west-1", endpoint: "https://internal.example.com" },
      "providers.0.endpoint",
    ],
    ["SMTP to a private address", { provider: "smtp", host: "10.0.0.5", port: 587 }, "providers.0.host"],
    ["SMTP to a port that is not a mail port", { provider: "smtp", host: "smtp.example.com", port: 22 }, "providers.0.port"],
  ])("refuses %s with 400 naming the field, and stores nothing", async (_, settings, path) => {
    const org = await createOrganization();
    const res = await put(org.apiKey, [settings]);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.fields?.map((f) => f.path)).toContain(path);
    expect((await call<ProvidersView>("GET", "/v1/providers", { key: org.apiKey })).body).toMatchObject({ providers: [], usingDefaults: true });
  });

  it("accepts the providers' own hosts", () => {
    const policy = hostPolicy({ DEV_MODE: false });
    const own = [
      { provider: "sendgrid", apiKey: "SG.x", baseUrl: "https://api.eu.sendgrid.com" },
      { provider: "mailgun", apiKey: "k", domain: "mg.acme.test", baseUrl: "https://api.eu.mailgun.net" },
      { provider: "ses", accessKeyId: "AKIA", secretAccessKey: "s", region: "eu-west-1", endpoint: "https://email.eu-west-1.amazonaws.com" },
      { provider: "smtp", host: "smtp.sendgrid.net", port: 587, secure: false, startTls: true },
    ] as const;
    for (const settings of own) expect(checkProviderHosts(settings, policy)).toEqual([]);
  });

  it("refuses the capture provider outside DEV_MODE, for an organisation and for the deployment", () => {
    expect(checkProviderHosts({ provider: "capture" }, hostPolicy({ DEV_MODE: false }))).toEqual([{ path: "provider", message: expect.stringContaining("DEV_MODE") }]);
    expect(() => environmentProviderSettings({ ...parseEnv(env), EMAIL_PROVIDERS: "capture", DEV_MODE: false })).toThrow(/DEV_MODE/);
  });

  it("keeps no more of a provider's answer than one short line of text", () => {
    expect(statusLine("<html><body>internal admin console</body></html>")).toBe("");
    expect(statusLine(`Forbidden\r\n${"x".repeat(500)}`)).toHaveLength(160);
    expect(statusLine("bad\u0000line\nnext")).toBe("bad line next");
  });
});

describe("a provider configuration keeps its id", () => {
  it("keeps the webhook URL issued before an edit working after it", async () => {
    const org = await createOrganization();
    const account = await sendGridAccount();
    const settings = { provider: "sendgrid" as const, apiKey: TEST_SENDGRID_API_KEY, baseUrl: String(env.SENDGRID_BASE_URL), webhookPublicKey: account.publicKey };
    const before = await configureProviders(org.apiKey, [settings]);
    const id = before.providers[0]?.id;
    const path = `/webhooks/sendgrid/${id}`;
    const [sent] = await storeSent(org.organizationId, "sendgrid");
    if (!sent) throw new Error("nothing stored");
    expect((await postSendGrid(path, account, [sendGridEvent("delivered", sent)])).status).toBe(200);

    // An edit as a client would make it: the same kind at the same place, a new key, no id.
    const edited = await put(org.apiKey, [{ ...settings, apiKey: `${TEST_SENDGRID_API_KEY}-rotated` }, sendgridAt()]);
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.providers[0]?.id).toBe(id);
    expect((await postSendGrid(path, account, [sendGridEvent("open", sent)])).status).toBe(200);

    // Reordered by id: the configuration moves and keeps its id.
    const second = edited.body.providers[1]?.id;
    const reordered = await put(org.apiKey, [
      { ...sendgridAt(), id: second },
      { ...settings, id },
    ]);
    expect(reordered.body.providers.map((p) => p.id)).toEqual([second, id]);
    expect((await postSendGrid(path, account, [sendGridEvent("click", sent, { url: "https://app.test" })])).status).toBe(200);
  });
});
