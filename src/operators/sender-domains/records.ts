import { z } from "zod";
import type { ProviderSettings } from "../../providers/config";

export type ProviderKind = ProviderSettings["provider"];

export const RecordPurpose = z.enum(["dkim", "spf", "dmarc"]);
export type RecordPurpose = z.infer<typeof RecordPurpose>;

/** A DNS record the organisation publishes for a sender domain. */
export const DnsRecord = z.object({
  purpose: RecordPurpose,
  type: z.literal("TXT"),
  name: z.string(),
  value: z.string(),
  required: z.boolean(),
  note: z.string().nullable(),
});
export type DnsRecord = z.infer<typeof DnsRecord>;

/**
 * What each provider asks a sender's SPF record to include. SMTP relays differ (each publishes its
 * own), and capture never leaves the Worker: neither has one to name. A new provider kind does not
 * compile until it says.
 */
const SPF_INCLUDE: Record<ProviderKind, string | null> = { sendgrid: "sendgrid.net", mailgun: "mailgun.org", ses: "amazonses.com", smtp: null, capture: null };

export const isProviderKind = (id: string): id is ProviderKind => Object.hasOwn(SPF_INCLUDE, id);

/** The `include:` domains SPF needs for these providers, in their order, once each. */
export const spfIncludes = (providers: readonly ProviderKind[]): string[] => [...new Set(providers.map((p) => SPF_INCLUDE[p]).filter((d): d is string => d !== null))];

export const dkimRecordName = (domain: string, selector: string) => `${selector}._domainkey.${domain}`;
export const dmarcRecordName = (domain: string) => `_dmarc.${domain}`;

/** The DKIM key, the SPF record for the providers in use, and a DMARC policy to start from. */
export function recordsToPublish(domain: string, dkim: { selector: string; publicKey: string }, providers: readonly ProviderKind[]): DnsRecord[] {
  const includes = spfIncludes(providers);
  const spfNotes = ["A domain may have only one v=spf1 record: if it has one, add these include: terms to it instead."];
  if (providers.includes("smtp")) spfNotes.push("Mail also goes through an SMTP relay: add the relay's own SPF mechanism (its include: or ip4:) as well.");
  return [
    {
      purpose: "dkim",
      type: "TXT",
      name: dkimRecordName(domain, dkim.selector),
      value: `v=DKIM1; k=rsa; p=${dkim.publicKey}`,
      required: true,
      note: "Longer than 255 characters: most DNS hosts split it into several strings themselves; otherwise paste it as quoted strings of at most 255.",
    },
    {
      purpose: "spf",
      type: "TXT",
      name: domain,
      value: ["v=spf1", ...includes.map((d) => `include:${d}`), "~all"].join(" "),
      required: true,
      note: spfNotes.join(" "),
    },
    {
      purpose: "dmarc",
      type: "TXT",
      name: dmarcRecordName(domain),
      value: `v=DMARC1; p=none; rua=mailto:dmarc-reports@${domain}`,
      required: false,
      note: "Suggested, not required: p=none only collects reports (to the rua address, a mailbox of yours); tighten to quarantine or reject once they look clean.",
    },
  ];
}
