/** A new DKIM key: the private half as PKCS#8 PEM (what DkimSigner imports), the public half as the record's `p=`. */
export type DkimKeyPair = { privateKeyPem: string; publicKey: string };

const ALGORITHM = { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" } as const;

/**
 * RSA 2048 with WebCrypto: the size every receiver accepts (RFC 8301 wants at least 1024, and
 * 2048 still fits a TXT record once split into 255-character strings).
 */
export async function generateDkimKeyPair(): Promise<DkimKeyPair> {
  const pair = (await crypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"])) as CryptoKeyPair;
  const pkcs8 = new Uint8Array((await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer);
  const spki = new Uint8Array((await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer);
  const body = base64(pkcs8).replace(/.{1,64}/g, "$&\n");
  return { privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${body}-----END PRIVATE KEY-----\n`, publicKey: base64(spki) };
}

/**
 * `tidings` and eight random base-36 characters: a domain created again gets a new selector, so
 * its new key never has to replace a record that mail signed with the old key is still checked against.
 */
export function newSelector(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `tidings${[...bytes].map((b) => (b % 36).toString(36)).join("")}`;
}

const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
