import { createRoute, type z } from "@hono/zod-openapi";
import type { App } from "../../../context";
import { recordApiChange } from "../../../platform/audit/record";
import { ApiError, errorResponses } from "../../../platform/errors";
import { requireApiKey } from "../../../platform/http/auth";
import { type ProviderKind, recordsToPublish } from "../../sender-domains/records";
import { addDomainAudited, DOMAIN_ADMINS, DOMAIN_READERS, verifyDomainAudited } from "../../sender-domains/audited";
import { deleteSenderDomain, findSenderDomain, listSenderDomains, providersInUse, type SenderDomain } from "../../sender-domains/store";
import { CreateDomainBody, DomainParams, SenderDomainList, SenderDomainView } from "./schema";

const readers = requireApiKey({ roles: DOMAIN_READERS });
const admins = requireApiKey({ roles: DOMAIN_ADMINS });
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
    const created = await addDomainAudited(services, caller, c.req.valid("json").domain);
    if (!created.ok) throw new ApiError(created.error.code, created.error.message, created.error.fields);
    return c.json(view(created.value, await providersInUse(services, caller.organizationId)), 201);
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
    const verified = await verifyDomainAudited(c.get("services"), c.get("caller"), c.req.valid("param").id);
    if (!verified.ok) throw new ApiError(verified.error.code, verified.error.message, verified.error.fields);
    return c.json(view(verified.value.domain, verified.value.providers), 200);
  });
};
