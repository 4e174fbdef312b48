/**
 * Whether a string is an IANA time zone this runtime knows. Building an Intl.DateTimeFormat to find
 * out costs 3–4 % of ingest CPU (measured with `npm run bench -- --cpu-profile`), and a few zones
 * cover almost every recipient, so answers are kept per isolate. Bounded: arbitrary input from
 * requests must not grow it without limit.
 */
const known = new Map<string, boolean>();
const MAX_REMEMBERED = 1000;

export function isTimeZone(tz: string): boolean {
  const remembered = known.get(tz);
  if (remembered !== undefined) return remembered;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    valid = true;
  } catch {
    valid = false;
  }
  if (known.size >= MAX_REMEMBERED) known.clear();
  known.set(tz, valid);
  return valid;
}

/** The zone itself when valid, else UTC: a bad stored zone must not stop a render or a digest. */
export function validTimeZone(tz: string | null | undefined): string {
  return tz && isTimeZone(tz) ? tz : "UTC";
}
