import { type DnsError, lookupTxt } from "../../platform/dns/doh";
import { ok, type Result } from "../../platform/result";
import type { Services } from "../../services";
import { checkDkim, checkDmarc, checkSpf, passes } from "./check";
import { dkimRecordName, dmarcRecordName, type ProviderKind, spfIncludes } from "./records";
import type { CheckOutcome, SenderDomain } from "./store";

/**
 * Looks the domain's three records up and judges them. Any look-up the resolver could not answer
 * makes the whole check an error: a record that could not be read is unknown, not missing, and
 * must not unverify a domain.
 */
export async function checkSenderDomain(services: Services, domain: SenderDomain, providers: readonly ProviderKind[]): Promise<Result<CheckOutcome, DnsError>> {
  const resolver = { url: services.env.DNS_RESOLVER_URL, timeoutMs: services.env.DNS_TIMEOUT_MS };
  const names = { dkim: dkimRecordName(domain.domain, domain.dkimSelector), spf: domain.domain, dmarc: dmarcRecordName(domain.domain) };
  const [dkim, spf, dmarc] = await Promise.all([lookupTxt(resolver, names.dkim), lookupTxt(resolver, names.spf), lookupTxt(resolver, names.dmarc)]);
  if (!dkim.ok) return dkim;
  if (!spf.ok) return spf;
  if (!dmarc.ok) return dmarc;
  const results = [checkDkim(names.dkim, dkim.value, domain.dkimPublicKey), checkSpf(names.spf, spf.value, spfIncludes(providers)), checkDmarc(names.dmarc, dmarc.value)];
  const checkedAt = services.clock.now();
  const check = { checkedAt: checkedAt.toISOString(), results };
  if (passes(results)) return ok({ status: "verified", verifiedAt: (domain.status === "verified" ? domain.verifiedAt : null) ?? checkedAt, check });
  // A domain that was verified and no longer passes stops sending (its receivers would fail DKIM or
  // SPF anyway); one that never passed is still waiting for its records.
  return ok({ status: domain.status === "pending" ? "pending" : "failed", verifiedAt: null, check });
}
