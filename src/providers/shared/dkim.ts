import { err, ok, type Result } from "../../platform/result";
import { toBase64 } from "./mime";

/** The organisation's DKIM key: PKCS#8 PEM (`openssl pkcs8 -topk8 -nocrypt` converts a PKCS#1 key). */
export type DkimConfig = { domain: string; selector: string; privateKeyPem: string };

export type DkimSignOptions = {
  /** Header names (any case) never to sign, e.g. those a provider rewrites after we sign. */
  skipHeaders?: readonly string[];
  /** Seconds since the epoch for `t=`; defaults to now. */
  timestamp?: number;
};

/**
 * Signed when present. List-Unsubscribe and List-Unsubscribe-Post must be covered, or Gmail and Yahoo
 * ignore one-click unsubscribe (RFC 8058 section 4).
 */
const SIGNED_HEADERS = ["from", "to", "reply-to", "subject", "date", "message-id", "mime-version", "content-type", "list-unsubscribe", "list-unsubscribe-post"];
const encoder = new TextEncoder();

/**
 * DKIM (RFC 6376) rsa-sha256, c=relaxed/relaxed, with WebCrypto only. Create one per key: the imported
 * key is kept, so a batch signs without re-parsing the PEM.
 */
export class DkimSigner {
  private key: Promise<Result<CryptoKey, string>> | undefined;

  constructor(private readonly config: DkimConfig) {}

  /** The message with a DKIM-Signature header prepended. */
  async sign(raw: string, options: DkimSignOptions = {}): Promise<Result<string, string>> {
    this.key ??= importPrivateKey(this.config.privateKeyPem);
    const key = await this.key;
    if (!key.ok) return key;
    const split = raw.indexOf("\r\n\r\n");
    if (split < 0) return err("message has no header/body separator");
    const fields = parseHeaderFields(raw.slice(0, split + 2));
    const body = raw.slice(split + 4);

    const skip = new Set((options.skipHeaders ?? []).map((h) => h.toLowerCase()));
    const names = SIGNED_HEADERS.filter((name) => !skip.has(name) && fields.some((f) => f.name === name));
    const bodyHash = toBase64(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(canonicalizeBodyRelaxed(body)))));
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const { domain, selector } = this.config;
    // Folded for line length; relaxed canonicalization unfolds, so the folds do not affect the signature.
    const unsigned = `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=${domain}; s=${selector};\r\n\tt=${timestamp}; h=${names.join(":")};\r\n\tbh=${bodyHash};\r\n\tb=`;

    // RFC 6376 5.4.2: with repeated fields, sign instances from the bottom up.
    const remaining = [...fields];
    let signedData = "";
    for (const name of names) {
      const index = remaining.findLastIndex((f) => f.name === name);
      const [field] = remaining.splice(index, 1);
      if (field) signedData += canonicalizeHeaderRelaxed(field.raw);
    }
    signedData += canonicalizeHeaderRelaxed(unsigned).replace(/\r\n$/, "");
    const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key.value, encoder.encode(signedData));
    const b = toBase64(new Uint8Array(signature)).replace(/.{1,72}/g, (chunk, offset: number) => (offset === 0 ? chunk : `\r\n\t${chunk}`));
    return ok(`${unsigned}${b}\r\n${raw}`);
  }
}

type HeaderField = { name: string; raw: string };

/** Splits a header block (CRLF-terminated) into fields, keeping continuation lines with their field. */
export function parseHeaderFields(block: string): HeaderField[] {
  const fields: HeaderField[] = [];
  for (const line of block.split("\r\n")) {
    if (line === "") continue;
    const last = fields.at(-1);
    if ((line.startsWith(" ") || line.startsWith("\t")) && last) last.raw += `\r\n${line}`;
    else fields.push({ name: line.slice(0, line.indexOf(":")).trim().toLowerCase(), raw: line });
  }
  return fields;
}

/** RFC 6376 3.4.2: lowercase name, unfold, collapse whitespace runs, trim around the colon and at the end. */
export function canonicalizeHeaderRelaxed(field: string): string {
  const colon = field.indexOf(":");
  const name = field.slice(0, colon).trim().toLowerCase();
  const value = field
    .slice(colon + 1)
    .replace(/\r\n(?=[ \t])/g, "")
    .replace(/[ \t]+/g, " ")
    .trim();
  return `${name}:${value}\r\n`;
}

/** RFC 6376 3.4.4: collapse whitespace runs, drop trailing whitespace and trailing empty lines; end with CRLF unless empty. */
export function canonicalizeBodyRelaxed(body: string): string {
  const lines = body.split("\r\n").map((line) => line.replace(/[ \t]+/g, " ").replace(/ $/, ""));
  while (lines.length > 0 && lines.at(-1) === "") lines.pop();
  return lines.length === 0 ? "" : `${lines.join("\r\n")}\r\n`;
}

async function importPrivateKey(pem: string): Promise<Result<CryptoKey, string>> {
  if (/BEGIN RSA PRIVATE KEY/.test(pem)) return err("DKIM key is PKCS#1; convert it to PKCS#8 (openssl pkcs8 -topk8 -nocrypt)");
  const match = /-----BEGIN PRIVATE KEY-----([\s\S]+?)-----END PRIVATE KEY-----/.exec(pem);
  if (!match?.[1]) return err("DKIM key is not a PKCS#8 PEM private key");
  try {
    const der = Uint8Array.from(atob(match[1].replace(/\s+/g, "")), (c) => c.charCodeAt(0));
    const key = await crypto.subtle.importKey("pkcs8", der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
    return ok(key);
  } catch (e) {
    return err(`DKIM key could not be imported: ${e instanceof Error ? e.message : String(e)}`);
  }
}
