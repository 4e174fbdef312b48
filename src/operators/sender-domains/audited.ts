import type { Caller } from "../../context";
import { recordApiChange } from "../../platform/audit/record";
import type { ApiKeyRole } from "../../platform/auth/api-key";
import type { FieldError } from "../../platform/errors";
import { err, ok, type Result } from "../../platform/result";
import type { Services } from "../../services";
import type { ProviderKind } from "./records";
import { createSenderDomain, findSenderDomain, providersInUse, type SenderDomain, saveCheck } from "./store";
import { checkSenderDomain } from "./verify";

/** Who may read sender domains and who may add, verify or remove them, through the API and the dashboard alike. */
export const DOMAIN_READERS: readonly ApiKeyRole[] = ["viewer", "editor", "admin"];
export const DOMAIN_ADMINS: readonly ApiKeyRole[] = ["admin"];

export type DomainRefusal = { code: "CONFLICT" | "NOT_FOUND" | "SERVICE_UNAVAILABLE" | "INTERNAL_SERVER_ERROR"; message: string; fields?: FieldError[] };

/** What DNS and mail compare it with: lower case, no trailing dot (the pattern allowed both). */
export const normalDomain = (domain: string) => domain.toLowerCase().replace(/\.$/, "");

/** Adds a domain (its DKIM key made and sealed) and writes the audit row. */
export async function addDomainAudited(services: Services, caller: Caller, input: string): Promise<Result<SenderDomain, DomainRefusal>> {
  const domain = normalDomain(input);
  const created = await createSenderDomain(services, caller.organizationId, domain);
  if (!created.ok) {
    if (created.error === "duplicate")
      return err({ code: "CONFLICT", message: `${domain} is already a sender domain of this organisation.`, fields: [{ path: "domain", message: "already added" }] });
    return err({ code: "INTERNAL_SERVER_ERROR", message: "This deployment has no SECRETS_KEY, so it cannot store a DKIM key." });
  }
  const d = created.value;
  await recordApiChange(services.db, caller, { action: "sender_domain.create", targetType: "sender_domain", targetId: d.id, details: { domain, selector: d.dkimSelector } });
  return ok(d);
}

/** Looks the domain's records up in DNS, saves what was found and writes the audit row; the domain is unchanged when DNS cannot be asked. */
export async function verifyDomainAudited(services: Services, caller: Caller, id: string): Promise<Result<{ domain: SenderDomain; providers: ProviderKind[] }, DomainRefusal>> {
  const notFound = { code: "NOT_FOUND", message: `No sender domain ${id}.` } as const;
  const d = await findSenderDomain(services.db, caller.organizationId, id);
  if (!d) return err(notFound);
  const providers = await providersInUse(services, caller.organizationId);
  const checked = await checkSenderDomain(services, d, providers);
  if (!checked.ok) {
    services.log.warn("sender domain check: DNS resolver unavailable", { domainId: d.id, reason: checked.error.message });
    return err({ code: "SERVICE_UNAVAILABLE", message: `DNS could not be asked (${checked.error.message}); the domain is unchanged, try again later.` });
  }
  const saved = await saveCheck(services.db, caller.organizationId, id, checked.value);
  if (!saved) return err(notFound);
  const results = Object.fromEntries(checked.value.check.results.map((r) => [r.purpose, r.result]));
  await recordApiChange(services.db, caller, {
    action: "sender_domain.verify",
    targetType: "sender_domain",
    targetId: d.id,
    details: { domain: d.domain, status: saved.status, previousStatus: d.status, results },
  });
  return ok({ domain: saved, providers });
}
