import { err, ok, type Result } from "../result";
import { type SealingKeys, seal, type UnsealError, unseal } from "./sealed-box";

/** The personal columns sealed at rest (recipients' address and name, events' data). */
export type SealedColumn = "recipients.email" | "recipients.name" | "events.data";

/**
 * Where a sealed value belongs. It is the associated data of the seal, so a value copied to another
 * row, column or organisation fails to open there (as `tampered`) instead of showing one tenant's
 * data as another's.
 */
export type SealedPlace = { column: SealedColumn; organizationId: string; rowId: string };

const associatedData = (p: SealedPlace) => `tidings/${p.column}/${p.organizationId}/${p.rowId}`;

export const sealPersonal = (keys: SealingKeys, place: SealedPlace, plaintext: string): Promise<string> => seal(keys, plaintext, associatedData(place));

/**
 * What a personal column pair holds: the sealed value when there is one, else the plain-text one
 * (rows written by a deployment without SECRETS_KEY, or not yet backfilled).
 */
export type StoredPersonal = { sealed: string | null; plain: string | null };

export type OpenError = UnsealError | "not_json";

export async function openPersonal(keys: SealingKeys | undefined, place: SealedPlace, stored: StoredPersonal): Promise<Result<string | null, UnsealError>> {
  if (stored.sealed === null) return ok(stored.plain);
  if (!keys) return err("unknown_key");
  return unseal(keys, stored.sealed, associatedData(place));
}

/** An event's data: `data_sealed` when set, else the plain `data` column (`{}` once purged). */
export async function openEventData(
  keys: SealingKeys | undefined,
  organizationId: string,
  eventId: string,
  stored: { sealed: string | null; plain: Record<string, unknown> },
): Promise<Result<Record<string, unknown>, OpenError>> {
  if (stored.sealed === null) return ok(stored.plain);
  const opened = await openPersonal(keys, { column: "events.data", organizationId, rowId: eventId }, { sealed: stored.sealed, plain: null });
  if (!opened.ok) return opened;
  try {
    const data: unknown = JSON.parse(opened.value ?? "{}");
    return data !== null && typeof data === "object" && !Array.isArray(data) ? ok(data as Record<string, unknown>) : err("not_json");
  } catch {
    return err("not_json");
  }
}

/** A recipient's address and name, opened together (the readers always want both). */
export async function openRecipient(
  keys: SealingKeys | undefined,
  organizationId: string,
  recipientId: string,
  stored: { email: StoredPersonal; name: StoredPersonal },
): Promise<Result<{ email: string; name: string | null }, OpenError>> {
  const [email, name] = await Promise.all([
    openPersonal(keys, { column: "recipients.email", organizationId, rowId: recipientId }, stored.email),
    openPersonal(keys, { column: "recipients.name", organizationId, rowId: recipientId }, stored.name),
  ]);
  if (!email.ok) return email;
  if (!name.ok) return name;
  return ok({ email: email.value ?? "", name: name.value });
}
