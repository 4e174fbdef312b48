import { err, ok, type Result } from "../../platform/result";
import { decodeBase64 } from "../shared/bytes";
import { DER_BIT_STRING, DER_CONTEXT_0, DER_INTEGER, DER_OID, DER_SEQUENCE, readChildren, readElement } from "../shared/der";

// 1.2.840.113549.1.1.1, rsaEncryption: the only key type SNS signs with.
const RSA_ENCRYPTION_OID = Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01);

/**
 * Exactly one PEM certificate and nothing around it: a body with other content (an HTML error
 * page, XML) is refused rather than searched for something certificate-shaped.
 */
export function pemToDer(pem: string): Result<Uint8Array, string> {
  const match = /^-----BEGIN CERTIFICATE-----\r?\n([A-Za-z0-9+/=\r\n]+?)\r?\n-----END CERTIFICATE-----$/.exec(pem.trim());
  const der = match?.[1] ? decodeBase64(match[1]) : undefined;
  if (!der || der.length === 0) return err("not a single PEM certificate");
  return ok(der);
}

/**
 * The SubjectPublicKeyInfo of an X.509 certificate, as DER ready for `importKey("spki")`.
 * WebCrypto cannot read certificates, and this needs no dependency: walk
 * Certificate → TBSCertificate → [version] serial signature issuer validity subject SPKI.
 * Nothing else is checked (dates, chain): the certificate's authority comes from the https URL
 * on an AWS host it was fetched from, and AWS's published test certificate has expired.
 */
export function rsaPublicKeyFromCertificate(der: Uint8Array): Result<Uint8Array, string> {
  const certificate = readElement(der, 0);
  if (!certificate || certificate.tag !== DER_SEQUENCE || certificate.end !== der.length) return err("not a DER SEQUENCE");
  const tbs = readChildren(der, certificate)?.[0];
  if (!tbs || tbs.tag !== DER_SEQUENCE) return err("no TBSCertificate");
  const fields = readChildren(der, tbs);
  if (!fields) return err("malformed TBSCertificate");
  const rest = fields[0]?.tag === DER_CONTEXT_0 ? fields.slice(1) : fields;
  const expected = [DER_INTEGER, DER_SEQUENCE, DER_SEQUENCE, DER_SEQUENCE, DER_SEQUENCE, DER_SEQUENCE];
  if (rest.length < expected.length || expected.some((tag, i) => rest[i]?.tag !== tag)) return err("unexpected TBSCertificate layout");
  const spki = rest[5];
  if (!spki) return err("no SubjectPublicKeyInfo");

  const [algorithm, publicKey] = readChildren(der, spki) ?? [];
  const oid = algorithm?.tag === DER_SEQUENCE ? readChildren(der, algorithm)?.[0] : undefined;
  if (!oid || oid.tag !== DER_OID || publicKey?.tag !== DER_BIT_STRING) return err("malformed SubjectPublicKeyInfo");
  if (!sameBytes(der.subarray(oid.start, oid.end), RSA_ENCRYPTION_OID)) return err("the certificate's key is not RSA");
  return ok(der.slice(spki.headerStart, spki.end));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
