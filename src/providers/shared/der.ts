/** One DER element: `headerStart` is where its tag byte sits, content is `[start, end)`. */
export type DerElement = { tag: number; headerStart: number; start: number; end: number };

export const DER_INTEGER = 0x02;
export const DER_BIT_STRING = 0x03;
export const DER_OID = 0x06;
export const DER_SEQUENCE = 0x30;
export const DER_CONTEXT_0 = 0xa0;

/**
 * Reads the element at `offset`, refusing what DER forbids (indefinite and non-minimal lengths)
 * and anything running past `limit`, so a hostile input can only fail, never read out of bounds.
 */
export function readElement(bytes: Uint8Array, offset: number, limit = bytes.length): DerElement | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = bytes[offset] ?? 0;
  // High tag numbers never occur in certificates or ECDSA signatures.
  if ((tag & 0x1f) === 0x1f) return undefined;
  const first = bytes[offset + 1] ?? 0;
  let start = offset + 2;
  let length = first;
  if (first >= 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 3 || start + count > limit || bytes[start] === 0) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[start + i] ?? 0);
    if (length < 0x80) return undefined;
    start += count;
  }
  if (start + length > limit) return undefined;
  return { tag, headerStart: offset, start, end: start + length };
}

/** The elements inside a constructed element, or undefined when they do not exactly fill it. */
export function readChildren(bytes: Uint8Array, parent: DerElement): DerElement[] | undefined {
  const children: DerElement[] = [];
  let at = parent.start;
  while (at < parent.end) {
    const child = readElement(bytes, at, parent.end);
    if (!child) return undefined;
    children.push(child);
    at = child.end;
  }
  return children;
}

/**
 * ECDSA-Sig-Value `SEQUENCE { r INTEGER, s INTEGER }` to the fixed-width `r‖s` WebCrypto verifies.
 * DER integers are signed and minimal: a value with its top bit set gains a 0x00 byte (33 bytes),
 * a small value loses its leading zero bytes (31 or fewer), so each is re-padded to `size`.
 */
export function ecdsaDerToRaw(der: Uint8Array, size = 32): Uint8Array | undefined {
  const sequence = readElement(der, 0);
  if (!sequence || sequence.tag !== DER_SEQUENCE || sequence.end !== der.length) return undefined;
  const parts = readChildren(der, sequence);
  if (parts?.length !== 2) return undefined;
  const raw = new Uint8Array(size * 2);
  for (const [i, part] of parts.entries()) {
    if (part.tag !== DER_INTEGER) return undefined;
    const digits = unsignedDigits(der.subarray(part.start, part.end));
    if (!digits || digits.length > size) return undefined;
    raw.set(digits, (i + 1) * size - digits.length);
  }
  return raw;
}

function unsignedDigits(integer: Uint8Array): Uint8Array | undefined {
  const [first, second] = integer;
  if (first === undefined || first >= 0x80) return undefined; // empty or negative
  if (first === 0 && second !== undefined && second < 0x80) return undefined; // not minimal
  return first === 0 ? integer.subarray(1) : integer;
}
