import { eq, inArray } from "drizzle-orm";
import { unseal } from "../platform/crypto/sealed-box";
import { organizations, senderDomains } from "../platform/db/schema";
import type { DkimConfig } from "../providers/shared/dkim";
import type { Services } from "../services";
import type { ClaimedMail } from "./mail";

/** A DKIM key as stored: `d=`, `s=` and the sealed PKCS#8 PEM. */
type SealedKey = { domain: string; selector: string; sealed: string };

/** What an organisation may send from: its sender domains (any status) and the key set by hand before there were any. */
type Standing = { legacy: SealedKey | null; domains: { id: string; domain: string; status: string; key: SealedKey }[] };

export type SenderVerdict = { allowed: true; key: SealedKey | null } | { allowed: false; reason: string };

export type SenderCheck<C extends ClaimedMail> = { sendable: C[]; refused: { mail: C; reason: string }[]; dkim: Map<string, DkimConfig> };

/** `domain` itself or a subdomain of it: DMARC's relaxed alignment (its default), so a DKIM `d=` of the domain aligns. */
const covers = (domain: string, host: string) => host === domain || host.endsWith(`.${domain}`);

const normal = (domain: string) => domain.trim().toLowerCase().replace(/\.$/, "");

const hostOf = (email: string) => normal(email.slice(email.lastIndexOf("@") + 1));

/** UNVERIFIED_SENDER_DOMAINS as a list. */
export const deploymentSenderDomains = (list: string | undefined): string[] => (list ?? "").split(",").map(normal).filter(Boolean);

/**
 * The send-time rule. A From domain the organisation verified is sent and signed with that
 * domain's key (the most specific one, when a domain and its subdomain are both verified). Before
 * sender domains existed, organisations set a DKIM key by hand: mail from that sending domain
 * keeps going, signed as before. The deployment's own default sender domains go unverified. All
 * else is refused: the receivers would fail DMARC for it anyway.
 */
export function judgeSender(standing: Standing | undefined, host: string, deploymentDomains: readonly string[]): SenderVerdict {
  const domains = standing?.domains ?? [];
  const verified = domains.filter((d) => d.status === "verified" && covers(d.domain, host)).sort((a, b) => b.domain.length - a.domain.length)[0];
  if (verified) return { allowed: true, key: verified.key };
  const legacy = standing?.legacy ?? null;
  if (legacy && covers(normal(legacy.domain), host)) return { allowed: true, key: legacy };
  if (deploymentDomains.some((d) => covers(d, host))) return { allowed: true, key: legacy };
  const known = domains.find((d) => covers(d.domain, host));
  const how = known
    ? `${known.status === "failed" ? "its last check failed" : "it is pending"}: publish its DNS records, then POST /v1/domains/${known.id}/verify`
    : "POST /v1/domains";
  return { allowed: false, reason: `sender domain ${host} is not verified for this organisation (${how})` };
}

/**
 * Splits a batch into mail whose From may go and mail refused by the send-time rule, and opens the
 * DKIM key each sending organisation signs with. One query for the whole batch, none when it is
 * empty. An organisation's mail in one batch was claimed in one statement, so it shares one From.
 */
export async function checkSenders<C extends ClaimedMail>(services: Services, mails: C[]): Promise<SenderCheck<C>> {
  const check: SenderCheck<C> = { sendable: [], refused: [], dkim: new Map() };
  if (mails.length === 0) return check;
  const standings = await loadStandings(services, [...new Set(mails.map((m) => m.organizationId))]);
  const deploymentDomains = deploymentSenderDomains(services.env.UNVERIFIED_SENDER_DOMAINS);
  const keys = new Map<string, SealedKey>();
  for (const mail of mails) {
    const verdict = judgeSender(standings.get(mail.organizationId), hostOf(mail.organization.fromEmail), deploymentDomains);
    if (!verdict.allowed) {
      check.refused.push({ mail, reason: verdict.reason });
      continue;
    }
    check.sendable.push(mail);
    if (verdict.key && !keys.has(mail.organizationId)) keys.set(mail.organizationId, verdict.key);
  }
  const sealing = keys.size > 0 ? await services.keys.sealing() : undefined;
  for (const [organizationId, key] of keys) {
    const opened = sealing ? await unseal(sealing, key.sealed) : undefined;
    if (opened?.ok) check.dkim.set(organizationId, { domain: key.domain, selector: key.selector, privateKeyPem: opened.value });
    else services.log.error("DKIM key cannot be opened; sending unsigned", { organizationId, reason: opened ? opened.error : "SECRETS_KEY is not set" });
  }
  return check;
}

async function loadStandings(services: Services, organizationIds: string[]): Promise<Map<string, Standing>> {
  const rows = await services.db
    .select({
      organizationId: organizations.id,
      legacyDomain: organizations.sendingDomain,
      legacySelector: organizations.dkimSelector,
      legacyKey: organizations.dkimPrivateKey,
      id: senderDomains.id,
      domain: senderDomains.domain,
      status: senderDomains.status,
      selector: senderDomains.dkimSelector,
      key: senderDomains.dkimPrivateKey,
    })
    .from(organizations)
    .leftJoin(senderDomains, eq(senderDomains.organizationId, organizations.id))
    .where(inArray(organizations.id, organizationIds));
  const standings = new Map<string, Standing>();
  for (const r of rows) {
    let standing = standings.get(r.organizationId);
    if (!standing) {
      const legacy = r.legacyDomain && r.legacySelector && r.legacyKey ? { domain: r.legacyDomain, selector: r.legacySelector, sealed: r.legacyKey } : null;
      standing = { legacy, domains: [] };
      standings.set(r.organizationId, standing);
    }
    if (r.id && r.domain && r.status && r.selector && r.key)
      standing.domains.push({ id: r.id, domain: r.domain, status: r.status, key: { domain: r.domain, selector: r.selector, sealed: r.key } });
  }
  return standings;
}
