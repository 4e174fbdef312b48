import { describe, expect, inject, it } from "vitest";
import type { TemplateView } from "../../src/render/template-schema";
import { apiKeyId, auditRows, auditText } from "../fixtures/audit";
import { call } from "../fixtures/http";
import { createOrganization, type TestOrganization } from "../fixtures/organization";

type Expected = { action: string; targetType: string; targetId: string | null; details: Record<string, unknown> };

/** The one row a successful change leaves, by the key that made it, through the API. */
async function expectOnlyRow(org: TestOrganization, key: string, expected: Expected) {
  const rows = await auditRows(org.organizationId);
  expect(rows.map(({ actorType, actorId, via, action, targetType, targetId, details }) => ({ actorType, actorId, via, action, targetType, targetId, details }))).toEqual([
    { actorType: "api_key", actorId: await apiKeyId(key), via: "api", ...expected },
  ]);
}

const content = (heading: string) => ({
  subject: "{{ data.author }} on {{ data.task }}",
  html: `{% layout "branding" %}{% block content %}<h1>${heading}</h1><p>{{ data.task }}</p>{% endblock %}`,
  requiredVariables: ["author", "task"],
  sampleData: { author: "Sam", task: "Sample task" },
});

describe("audit rows written by the admin API", () => {
  it("records a layout replacement with its new version, and nothing for a layout that does not parse", async () => {
    const org = await createOrganization();
    const editor = await org.keyFor("editor");
    const refused = await call("PUT", "/v1/layouts/branding", { key: editor, body: { source: '{% layout "base" %}{% block content %}{% if x %}{% endblock %}' } });
    expect(refused.status).toBe(422);
    expect(await auditRows(org.organizationId)).toEqual([]);

    const res = await call("PUT", "/v1/layouts/branding", { key: editor, body: { source: '{% layout "base" %}{% block header %}House{% endblock %}' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await expectOnlyRow(org, editor, { action: "layout.update", targetType: "layout", targetId: "branding", details: { key: "branding", version: 1 } });
  });

  it("records a template's creation, each new version and each publish, calling a publish of an older version a rollback", async () => {
    const org = await createOrganization();
    const editor = await org.keyFor("editor");
    const created = await call<TemplateView>("POST", "/v1/templates", { key: editor, body: { key: "invoice.paid", name: "Invoice", ...content("One") } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id;
    await expectOnlyRow(org, editor, { action: "template.create", targetType: "template", targetId: id, details: { key: "invoice.paid", name: "Invoice", version: 1 } });

    const publish = (v: number) => call("POST", `/v1/templates/${id}/versions/${v}/publish`, { key: editor });
    expect((await publish(1)).status).toBe(200);
    expect((await call("PUT", `/v1/templates/${id}`, { key: editor, body: content("Two") })).status).toBe(200);
    expect((await publish(2)).status).toBe(200);
    expect((await publish(1)).status).toBe(200);

    const rows = await auditRows(org.organizationId);
    expect(rows.map((r) => [r.action, r.targetId, r.details])).toEqual([
      ["template.create", id, { key: "invoice.paid", name: "Invoice", version: 1 }],
      ["template.publish", id, { key: "invoice.paid", version: 1, previousVersion: null, rollback: false }],
      ["template.version_create", id, { key: "invoice.paid", version: 2 }],
      ["template.publish", id, { key: "invoice.paid", version: 2, previousVersion: 1, rollback: false }],
      ["template.publish", id, { key: "invoice.paid", version: 1, previousVersion: 2, rollback: true }],
    ]);
  });

  it("records nothing for a refused template change: a taken key, an unknown template, a version that fails its checks", async () => {
    const org = await createOrganization();
    const broken = { ...content("Broken"), html: "{% block content %}{{ data.author }" };
    expect((await call("POST", "/v1/templates", { key: org.apiKey, body: { key: "comment", ...content("Taken") } })).status).toBe(409);
    expect((await call("PUT", `/v1/templates/${crypto.randomUUID()}`, { key: org.apiKey, body: content("Nowhere") })).status).toBe(404);
    expect((await call("POST", `/v1/templates/${org.templateId}/versions/9/publish`, { key: org.apiKey })).status).toBe(404);
    expect((await call("PUT", `/v1/templates/${org.templateId}`, { key: await org.keyFor("viewer"), body: broken })).status).toBe(403);
    expect(await auditRows(org.organizationId)).toEqual([]);

    expect((await call("PUT", `/v1/templates/${org.templateId}`, { key: org.apiKey, body: broken })).status).toBe(200);
    const refused = await call("POST", `/v1/templates/${org.templateId}/versions/2/publish`, { key: org.apiKey });
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect((await auditRows(org.organizationId)).map((r) => r.action)).toEqual(["template.version_create"]);
  });

  it("records an event type's upsert with the settings it got, and nothing for an unknown template", async () => {
    const org = await createOrganization();
    const editor = await org.keyFor("editor");
    expect((await call("PUT", "/v1/event-types/invoice.paid", { key: editor, body: { category: "billing", template: "nope" } })).status).toBe(422);
    expect(await auditRows(org.organizationId)).toEqual([]);

    const res = await call("PUT", "/v1/event-types/invoice.paid", { key: editor, body: { category: "billing", template: "comment", critical: true } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await expectOnlyRow(org, editor, {
      action: "event_type.upsert",
      targetType: "event_type",
      targetId: "invoice.paid",
      details: { category: "billing", template: "comment", priority: "normal", critical: true, retainContent: true },
    });
  });

  it("records a change of the preference defaults as asked, and nothing for an empty or forbidden one", async () => {
    const org = await createOrganization();
    const editor = await org.keyFor("editor");
    const body = { categories: { comments: { delivery: "digest", digest: { kind: "daily", hour: 9 } }, security: { locked: true } } };
    expect((await call("PUT", "/v1/preference-defaults", { key: editor, body: { categories: {} } })).status).toBe(400);
    expect((await call("PUT", "/v1/preference-defaults", { key: await org.keyFor("viewer"), body })).status).toBe(403);
    expect(await auditRows(org.organizationId)).toEqual([]);

    const res = await call("PUT", "/v1/preference-defaults", { key: editor, body });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await expectOnlyRow(org, editor, { action: "preference_defaults.update", targetType: "organization", targetId: org.organizationId, details: body });
  });
});

describe("audit rows never hold a secret", () => {
  it("records a provider change as ids, kinds, order and field names, with none of the credentials posted", async () => {
    const org = await createOrganization();
    const secrets = {
      sendgrid: "SG.k3Yq8v2LzR1pWc7x.N4bTfUe6hJd0sAoGm9iVqXyZrK5lPwC2uE8tB1nM7aQ",
      mailgun: "key-7f3b9c1d2e4a6f8b0c2d4e6f8a0bQmzW",
      mailgunWebhook: "whsec-mg-5e1f9a3c7b2d4e6f8a0b1c3d5e7fYpRv",
      sesAccessKey: "AKIAZ7Q3R5T7V9X1JKLM",
      sesSecret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8m4n6p2R",
      smtpUser: "relay-user-7c2e9fHnUs",
      smtpPassword: "Tr0ub4dor&3-horse-staple-9q8w",
    };
    expect((await call("PUT", "/v1/providers", { key: org.apiKey, body: { providers: [{ provider: "sendgrid" }] } })).status).toBe(400);
    expect((await call("PUT", "/v1/providers", { key: await org.keyFor("editor"), body: { providers: [] } })).status).toBe(403);
    expect(await auditRows(org.organizationId)).toEqual([]);

    const res = await call<{ providers: { id: string }[] }>("PUT", "/v1/providers", {
      key: org.apiKey,
      body: {
        providers: [
          { provider: "sendgrid", apiKey: secrets.sendgrid },
          { provider: "mailgun", apiKey: secrets.mailgun, domain: "mg.example.com", webhookSigningKey: secrets.mailgunWebhook },
          { provider: "ses", accessKeyId: secrets.sesAccessKey, secretAccessKey: secrets.sesSecret, region: "eu-west-1" },
          { provider: "smtp", host: "smtp.example.com", port: 587, username: secrets.smtpUser, password: secrets.smtpPassword },
        ],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const ids = res.body.providers.map((p) => p.id);
    await expectOnlyRow(org, org.apiKey, {
      action: "providers.update",
      targetType: "organization",
      targetId: org.organizationId,
      details: {
        providers: [
          { id: ids[0], position: 0, provider: "sendgrid", fields: ["apiKey", "baseUrl"] },
          { id: ids[1], position: 1, provider: "mailgun", fields: ["apiKey", "baseUrl", "domain", "webhookSigningKey"] },
          { id: ids[2], position: 2, provider: "ses", fields: ["accessKeyId", "region", "secretAccessKey"] },
          { id: ids[3], position: 3, provider: "smtp", fields: ["host", "password", "port", "secure", "startTls", "username"] },
        ],
      },
    });
    const stored = await auditText(org.organizationId);
    for (const secret of Object.values(secrets)) {
      expect(stored).not.toContain(secret);
      expect(stored, "not even the last characters that GET /v1/providers shows").not.toContain(secret.slice(-4));
    }
  });

  it("records an organisation change with the DKIM key replaced by a marker, and nothing for an unusable key", async () => {
    const org = await createOrganization();
    const pem = inject("dkimPrivateKeyPem");
    const unusable = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----";
    expect((await call("PATCH", "/v1/organization", { key: org.apiKey, body: { dkim: { selector: "s1", privateKeyPem: unusable } } })).status).toBe(400);
    expect((await call("PATCH", "/v1/organization", { key: org.apiKey, body: { fromEmail: "a@elsewhere.test", sendingDomain: "acme.test" } })).status).toBe(422);
    expect(await auditRows(org.organizationId)).toEqual([]);

    const body = { fromName: "Acme Mail", sendingDomain: "acme.test", dkim: { selector: "tidings1", privateKeyPem: pem }, branding: { primaryColor: "#2563eb" } };
    const res = await call("PATCH", "/v1/organization", { key: org.apiKey, body });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await expectOnlyRow(org, org.apiKey, {
      action: "organization.update",
      targetType: "organization",
      targetId: org.organizationId,
      details: { ...body, dkim: { selector: "tidings1", privateKeyPem: "(replaced)" } },
    });
    const stored = await auditText(org.organizationId);
    const keyLines = pem.split("\n").filter((line) => line.length >= 24 && !line.startsWith("-----"));
    expect(keyLines.length).toBeGreaterThan(10);
    for (const line of keyLines) expect(stored).not.toContain(line.slice(0, 24));

    expect((await call("PATCH", "/v1/organization", { key: org.apiKey, body: { dkim: null } })).status).toBe(200);
    expect((await auditRows(org.organizationId)).at(-1)?.details).toEqual({ dkim: null });
  });
});
