import { err, ok } from "../../src/result";
import type { CertificateFetcher } from "../../src/webhooks/verify/sns";

export const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A DER element; lengths up to 65535 are enough for the structures these tests build. */
export function tlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const body = new Uint8Array(contents.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of contents) {
    body.set(c, at);
    at += c.length;
  }
  const length = body.length < 0x80 ? [body.length] : body.length < 0x100 ? [0x81, body.length] : [0x82, body.length >> 8, body.length & 0xff];
  return Uint8Array.of(tag, ...length, ...body);
}

/** Raw `r‖s` to the minimal DER a real signer emits: leading zeros dropped, 0x00 added before a high bit. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  const integer = (half: Uint8Array) => {
    let digits = half;
    while (digits.length > 1 && digits[0] === 0) digits = digits.subarray(1);
    return tlv(0x02, (digits[0] ?? 0) >= 0x80 ? Uint8Array.of(0, ...digits) : digits);
  };
  return tlv(0x30, integer(raw.subarray(0, 32)), integer(raw.subarray(32)));
}

/**
 * A certificate-shaped PEM around our own public key: enough structure for the SPKI walk
 * (version, serial, algorithm, issuer, validity, subject, SPKI), with a signature nobody checks.
 */
export function pemAroundPublicKey(spki: Uint8Array): string {
  const sha256WithRsa = tlv(0x30, tlv(0x06, Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b)), Uint8Array.of(0x05, 0x00));
  const name = tlv(0x30, tlv(0x31, tlv(0x30, tlv(0x06, Uint8Array.of(0x55, 0x04, 0x03)), tlv(0x0c, utf8("test")))));
  const validity = tlv(0x30, tlv(0x17, utf8("200101000000Z")), tlv(0x17, utf8("210101000000Z")));
  const tbs = tlv(0x30, tlv(0xa0, tlv(0x02, Uint8Array.of(2))), tlv(0x02, Uint8Array.of(1)), sha256WithRsa, name, validity, name, spki);
  const der = tlv(0x30, tbs, sha256WithRsa, tlv(0x03, Uint8Array.of(0, 0)));
  const lines = toBase64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}

/** Serves PEMs by URL and counts requests, like the network would, without one. */
export function fakeCertificateHost(pemByUrl: Record<string, string>): CertificateFetcher & { requests: string[]; failNext: number } {
  const host = {
    requests: [] as string[],
    failNext: 0,
    async fetchPem(url: string) {
      host.requests.push(url);
      if (host.failNext > 0) {
        host.failNext--;
        return err({ message: `${url} answered 500` });
      }
      const pem = pemByUrl[url];
      return pem === undefined ? err({ message: `${url} answered 404` }) : ok(pem);
    },
  };
  return host;
}
