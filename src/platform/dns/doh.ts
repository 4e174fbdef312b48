import { z } from "zod";
import { messageOf } from "../log";
import { type BaseError, err, ok, type Result } from "../result";

/** A resolver that speaks DNS-over-HTTPS's JSON API, as Cloudflare (`/dns-query`) and Google (`/resolve`) serve it. */
export type DohResolver = { url: string; timeoutMs: number };

/** The resolver could not answer (down, slow, SERVFAIL, an answer that is not dns-json): the records are unknown, not absent. */
export type DnsError = BaseError<"resolver_unavailable">;

const TXT = 16;
const NOERROR = 0;
const NXDOMAIN = 3;

const DnsJson = z.object({
  Status: z.number().int(),
  Answer: z.array(z.object({ name: z.string(), type: z.number().int(), data: z.string() })).optional(),
});

/**
 * The TXT records at `name`, each as its strings joined (RFC 7208 3.3, RFC 6376 3.6.2.2: a record
 * longer than 255 characters arrives split). No such name, or no TXT there, is an empty list.
 * Answers of other types are dropped: a resolver that followed a CNAME lists it too.
 */
export async function lookupTxt(resolver: DohResolver, name: string): Promise<Result<string[], DnsError>> {
  const url = new URL(resolver.url);
  url.searchParams.set("name", name);
  url.searchParams.set("type", "TXT");
  let body: unknown;
  try {
    const res = await fetch(url, { headers: { accept: "application/dns-json" }, signal: AbortSignal.timeout(resolver.timeoutMs) });
    if (!res.ok) return unavailable(`the resolver answered HTTP ${res.status}`);
    body = await res.json();
  } catch (e) {
    const timedOut = e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");
    return unavailable(timedOut ? `the resolver did not answer within ${resolver.timeoutMs} ms` : `the resolver could not be reached: ${messageOf(e)}`);
  }
  const parsed = DnsJson.safeParse(body);
  if (!parsed.success) return unavailable("the resolver's answer is not DNS JSON");
  const { Status, Answer } = parsed.data;
  if (Status === NXDOMAIN) return ok([]);
  if (Status !== NOERROR) return unavailable(`the resolver answered ${RCODES[Status] ?? `RCODE ${Status}`} for ${name}`);
  return ok((Answer ?? []).filter((a) => a.type === TXT).map((a) => joinTxtStrings(a.data)));
}

const RCODES: Record<number, string> = { 1: "FORMERR", 2: "SERVFAIL", 4: "NOTIMP", 5: "REFUSED" };

const unavailable = (message: string): Result<never, DnsError> => err({ code: "resolver_unavailable", message, retry: true });

/**
 * One TXT record's `data` as its strings concatenated. Cloudflare writes each string quoted
 * (`"v=DKIM1; p=MIIB…" "…IDAQAB"`, with `\"`, `\\` and `\DDD` escapes, as in a zone file);
 * a resolver that writes the text bare is taken as it is.
 */
export function joinTxtStrings(data: string): string {
  const text = data.trim();
  if (!text.startsWith('"')) return text;
  let out = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted) continue;
    else if (c === "\\") {
      const digits = text.slice(i + 1, i + 4);
      if (/^\d{3}$/.test(digits)) {
        out += String.fromCharCode(Number(digits));
        i += 3;
      } else {
        out += text[i + 1] ?? "";
        i += 1;
      }
    } else out += c;
  }
  return out;
}
