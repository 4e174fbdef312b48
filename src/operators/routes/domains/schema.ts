import { z } from "@hono/zod-openapi";
import { senderDomainStatuses } from "../../../platform/db/schema/sender-domains";
import { RecordCheck } from "../../sender-domains/check";
import { DnsRecord } from "../../sender-domains/records";

// Both cases spelt out rather than an `i` flag: OpenAPI patterns carry no flags. Labels of 1–63
// letters, digits and inner hyphens, a top-level label of letters, at most 253 characters, and
// one trailing dot allowed (the handler drops it and lower-cases the rest).
const DomainName = z
  .string()
  .max(254)
  .regex(/^(?=.{1,253}\.?$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\.?$/, "must be a domain name like example.com")
  .openapi({ example: "example.com" });

export const CreateDomainBody = z
  .object({ domain: DomainName.openapi({ description: "The domain of your From address; letter case and a trailing dot do not matter" }) })
  .openapi({ example: { domain: "example.com" } })
  .openapi("CreateSenderDomainBody");
export type CreateDomainBody = z.infer<typeof CreateDomainBody>;

export const DomainParams = z.object({
  id: z
    .string()
    .uuid()
    .openapi({ param: { name: "id", in: "path" } }),
});

export const SenderDomainView = z
  .object({
    id: z.string().uuid(),
    domain: z.string().openapi({ example: "example.com" }),
    status: z.enum(senderDomainStatuses).openapi({
      description: "pending until a check finds the DKIM and SPF records; verified; failed when a verified domain's check no longer passes (its mail is refused)",
    }),
    verifiedAt: z.string().datetime().nullable(),
    lastCheckedAt: z.string().datetime().nullable(),
    createdAt: z.string().datetime(),
    dkim: z.object({
      selector: z.string().openapi({ example: "tidings4k2m9x0q" }),
      publicKey: z.string().openapi({ description: "base64 SubjectPublicKeyInfo: the record's p=" }),
    }),
    records: z.array(DnsRecord.openapi("DnsRecord")).openapi({ description: "What to publish; the SPF include: terms follow the providers in use now" }),
    checks: z.array(RecordCheck.openapi("DnsRecordCheck")).nullable().openapi({ description: "What the last verification found, record by record; null before the first" }),
  })
  .openapi("SenderDomain");
export type SenderDomainView = z.infer<typeof SenderDomainView>;

export const SenderDomainList = z.object({ domains: z.array(SenderDomainView) }).openapi("SenderDomainList");
export type SenderDomainList = z.infer<typeof SenderDomainList>;
