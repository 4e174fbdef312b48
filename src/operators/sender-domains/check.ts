import { z } from "zod";
import { RecordPurpose } from "./records";

/** What one record looked like in DNS: what was found there, and what that means. */
export const RecordCheck = z.object({
  purpose: RecordPurpose,
  name: z.string(),
  required: z.boolean(),
  result: z.enum(["ok", "missing", "wrong"]),
  message: z.string(),
  found: z.array(z.string()),
});
export type RecordCheck = z.infer<typeof RecordCheck>;

/** One verification as `sender_domains.last_check` keeps it. */
export const StoredCheck = z.object({ checkedAt: z.string(), results: z.array(RecordCheck) });
export type StoredCheck = z.infer<typeof StoredCheck>;

/** `a=b; c = d` → {a: "b", c: "d"}: the tag-list of DKIM (RFC 6376 3.2) and DMARC (RFC 7489 6.4). */
function tags(record: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of record.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

/** The DKIM key record must carry exactly the public key Tidings generated; folding whitespace inside `p=` is allowed (RFC 6376 3.6.1). */
export function checkDkim(name: string, found: string[], publicKey: string): RecordCheck {
  const base = { purpose: "dkim" as const, name, required: true, found };
  if (found.length === 0) return { ...base, result: "missing", message: `No TXT record at ${name}: publish the DKIM record.` };
  if (found.length > 1) return { ...base, result: "wrong", message: `${found.length} TXT records at ${name}; receivers may pick any of them: keep only the DKIM record.` };
  const t = tags(found[0] ?? "");
  const p = (t.get("p") ?? "").replace(/\s+/g, "");
  if (t.has("v") && t.get("v") !== "DKIM1") return { ...base, result: "wrong", message: `The record at ${name} must start with v=DKIM1.` };
  if (t.has("k") && t.get("k")?.toLowerCase() !== "rsa") return { ...base, result: "wrong", message: `The record at ${name} says k=${t.get("k")}; the key is k=rsa.` };
  if (!t.has("p")) return { ...base, result: "wrong", message: `The record at ${name} has no p= tag.` };
  if (p === "") return { ...base, result: "wrong", message: `The record at ${name} has an empty p=, which revokes the key.` };
  if (p !== publicKey) return { ...base, result: "wrong", message: `The p= at ${name} is not the public key Tidings generated for this domain (cut short, or from another key?).` };
  return { ...base, result: "ok", message: "The DKIM key is published." };
}

const isSpf = (record: string) => /^v=spf1(\s|$)/i.test(record);

/** One v=spf1 record (two make SPF a permerror, RFC 7208 4.5) that includes every provider in use. */
export function checkSpf(name: string, found: string[], includes: readonly string[]): RecordCheck {
  const spf = found.filter(isSpf);
  const base = { purpose: "spf" as const, name, required: true, found: spf };
  if (spf.length === 0) return { ...base, result: "missing", message: `No v=spf1 record at ${name}: publish the SPF record.` };
  if (spf.length > 1) return { ...base, result: "wrong", message: `${spf.length} v=spf1 records at ${name}; receivers treat that as an error: merge them into one.` };
  const present = new Set(
    (spf[0] ?? "")
      .split(/\s+/)
      .map((term) => /^\+?include:(.+)$/i.exec(term)?.[1]?.toLowerCase().replace(/\.$/, ""))
      .filter((d): d is string => d !== undefined),
  );
  const absent = includes.filter((d) => !present.has(d));
  if (absent.length > 0) return { ...base, result: "wrong", message: `The SPF record at ${name} lacks ${absent.map((d) => `include:${d}`).join(", ")}.` };
  return { ...base, result: "ok", message: "The SPF record includes every provider in use." };
}

/** Reported, never required: DMARC is the organisation's policy to choose. */
export function checkDmarc(name: string, found: string[]): RecordCheck {
  const dmarc = found.filter((r) => /^v=DMARC1(\s*;|\s*$)/i.test(r));
  const base = { purpose: "dmarc" as const, name, required: false, found: dmarc };
  if (dmarc.length === 0) return { ...base, result: "missing", message: `No DMARC record at ${name}; Gmail and Yahoo expect one from bulk senders.` };
  if (dmarc.length > 1) return { ...base, result: "wrong", message: `${dmarc.length} DMARC records at ${name}; receivers then apply none (RFC 7489 6.6.3).` };
  const policy = tags(dmarc[0] ?? "").get("p");
  if (!policy) return { ...base, result: "wrong", message: `The DMARC record at ${name} has no p= policy.` };
  return { ...base, result: "ok", message: `DMARC is published with p=${policy}.` };
}

/** Verified when every required record is right. */
export const passes = (checks: readonly RecordCheck[]) => checks.every((c) => !c.required || c.result === "ok");
