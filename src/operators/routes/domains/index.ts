import { createRoute, type z } from "@hono/zod-openapi";
import type { App } from "../../../context";
import { recordApiChange } from "../../../platform/audit/record";
import { ApiError, errorResponses } from "../../../platform/errors";
import { requireApiKey } from "../../../platform/http/auth";
import { type ProviderKind, recordsToPublish } from "../../sender-domains/records";
import { createSenderDomain, deleteSenderDomain, findSenderDomain, listSenderDomains, providersInUse, type SenderDomain, saveCheck } from "../../sender-domains/store";
import { checkSenderDomain } from "../../sender-domains/verify";
import { CreateDomainBody, DomainParams, SenderDomainList, SenderDomainView } from "./schema";

const readers = requireApiKey({ roles: ["viewer", "editor", "admin"] });
const admins = requireApiKey({ roles: ["admin"] });
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });
const common = { tags: ["domains"], security: [{ bearer: [] }] };

const list = createRoute({
  ...common,
  method: "get",
  path: "/v1/domains",
  operationId: "listSenderDomains",
  summary: "The organisation's sender domains, with the DNS records each needs",
  description: "Viewer, editor and admin keys. Each domain with its status (`pending`, `verified`, `failed`), the DNS records to publish and the last check's results.",
  middleware: [readers] as const,
  responses: { 200: json(SenderDomainList, "Sender domains"), ...errorResponses(401, 403) },
});
const create = createRoute({
  ...common,
  method: "post",
  path: "/v1/domains",
  operationId: "createSenderDomain",
  summary: "Add a sender domain: Tidings makes its DKIM key and answers with the DNS records to publish",
  description:
    "Admin keys only. Generates an RSA 2048 DKIM key (the private half sealed, never shown) and a selector, and answers with the DKIM, SPF and DMARC records to publish. 400 when `domain` is not a domain name; 409 when the organisation already has it.",
  middleware: [admins] as const,
  request: { body: { content: { "application/json": { schema: CreateDomainBody } }, required: true } },
  responses: { 201: json(SenderDomainView, "Created, pending until verified"), ...errorResponses(400, 401, 403, 409) },
});
const get = createRoute({
  ...common,
  method: "get",
  path: "/v1/domains/{id}",
  operationId: "getSenderDomain",
  summary: "One sender domain, its records and its last check",
  description: "Viewer, editor and admin keys. 404 for a domain of another organisation.",
  middleware: [readers] as const,
  request: { params: DomainParams },
  responses: { 200: json(SenderDomainView, "Sender domain"), ...errorResponses(400, 401, 403, 404) },
});
const remove = createRoute({
  ...common,
  method: "delete",
  path: "/v1/domains/{id}",
  operationId: "deleteSenderDomain",
  summary: "Remove a sender domain and its key; mail from it is refused from then on",
  description:
    "Admin keys only. Idempotent for the caller: 404 once it is gone. Mail whose From is at the domain is refused at send time from then on, unless the deployment allows the domain.",
  middleware: [admins] as const,
  request: { params: DomainParams },
  responses: { 200: json(SenderDomainView, "Removed; the removed domain"), ...errorResponses(400, 401, 403, 404) },
});
const verify = createRoute({
  ...common,
  method: "post",
  path: "/v1/domains/{id}/verify",
  operationId: "verifySenderDomain",
  summary: "Look the domain's records up in DNS: verified when DKIM and SPF are right, else which record is missing or wrong",
  description:
    "Admin keys only. Asks the DNS-over-HTTPS resolver (DNS_RESOLVER_URL) for the DKIM, SPF and DMARC records; answers 200 with `status` and each record's result (`ok`, `missing`, `wrong`). A verified domain that no longer passes becomes `failed`. 503 when the resolver fails or does not answer in time; the domain is unchanged.",
  middleware: [admins] as const,
  request: { params: DomainParams },
  responses: { 200: json(SenderDomainView, "Checked: status and what each record looked like"), ...errorResponses(400, 401, 403, 404, 503) },
});

const iso = (d: Date | null) => d?.toISOString() ?? null;

const view = (d: SenderDomain, providers: readonly ProviderKind[]): SenderDomainView => ({
  id: d.id,
  domain: d.domain,
  status: d.status,
  verifiedAt: iso(d.verifiedAt),
  lastCheckedAt: iso(d.lastCheckedAt),
  createdAt: d.createdAt.toISOString(),
  dkim: { selector: d.dkimSelector, publicKey: d.dkimPublicKey },
  records: recordsToPublish(d.domain, { selector: d.dkimSelector, publicKey: d.dkimPublicKey }, providers),
  checks: d.lastCheck?.results ?? null,
});

/** What DNS and mail compare it with: lower case, no trailing dot (the pattern allowed both). */
const normalDomain = (domain: string) => domain.toLowerCase().replace(/\.$/, "");

const notFound = (id: string) => new ApiError("NOT_FOUND", `No sender domain ${id}.`);

export const registerDomainRoutes = (app: App) => {
  app.openapi(list, async (c) => {
    const services = c.get("services");
    const { organizationId } = c.get("caller");
    const [domains, providers] = await Promise.all([listSenderDomains(services.db, organizationId), providersInUse(services, organizationId)]);
    return c.json({ domains: domains.map((d) => view(d, providers)) }, 200);
  });

  app.openapi(create, async (c) => {
    const services = c.get("services");
    const caller = c.get("caller");
    const domain = normalDomain(c.req.valid("json").domain);
    const created = await createSenderDomain(services, caller.organizationId, domain);
    if (!created.ok) {
      if (created.error === "duplicate")
        throw new ApiError("CONFLICT", `${domain} is already a sender domain of this organisation.`, [{ path: "domain", message: "already added" }]);
      throw new ApiError("INTERNAL_SERVER_ERROR", "This deployment has no SECRETS_KEY, so it cannot store a DKIM key.");
    }
    const d = created.value;
    await recordApiChange(services.db, caller, { action: "sender_domain.create", targetType: "sender_domain", targetId: d.id, details: { domain, selector: d.dkimSelector } });
    return c.json(view(d, await providersInUse(services, caller.organizationId)), 201);
  });

  app.openapi(get, async (c) => {
    const services = c.get("services");
    const { organizationId } = c.get("caller");
    const { id } = c.req.valid("param");
    const d = await findSenderDomain(services.db, organizationId, id);
    if (!d) throw notFound(id);
    return c.json(view(d, await providersInUse(services, organizationId)), 200);
  });

  app.openapi(remove, async (c) => {
    const services = c.get("services");
    const caller = c.get("caller");
    const { id } = c.req.valid("param");
    const d = await deleteSenderDomain(services.db, caller.organizationId, id);
    if (!d) throw notFound(id);
    await recordApiChange(services.db, caller, {
      action: "sender_domain.delete",
      targetType: "sender_domain",
      targetId: d.id,
      details: { domain: d.domain, selector: d.dkimSelector, status: d.status },
    });
    return c.json(view(d, await providersInUse(services, caller.organizationId)), 200);
  });

  app.openapi(verify, async (c) => {
    const services = c.get("services");
    const caller = c.get("caller");
    const { id } = c.req.valid("param");
    const d = await findSenderDomain(services.db, caller.organizationId, id);
    if (!d) throw notFound(id);
    const providers = await providersInUse(services, caller.organizationId);
    const checked = await checkSenderDomain(services, d, providers);
    if (!checked.ok) {
      services.log.warn("sender domain check: DNS resolver unavailable", { domainId: d.id, reason: checked.error.message });
      throw new ApiError("SERVICE_UNAVAILABLE", `DNS could not be asked (${checked.error.message}); the domain is unchanged, try again later.`);
    }
    const saved = await saveCheck(services.db, caller.organizationId, id, checked.value);
    if (!saved) throw notFound(id);
    const results = Object.fromEntries(checked.value.check.results.map((r) => [r.purpose, r.result]));
    await recordApiChange(services.db, caller, {
      action: "sender_domain.verify",
      targetType: "sender_domain",
      targetId: d.id,
      details: { domain: d.domain, status: saved.status, previousStatus: d.status, results },
    });
    return c.json(view(saved, providers), 200);
  });
};
