import { importSealingKey, type SealingKeys } from "./sealed-box";
import type { Env } from "../../env";

/** Isolate-scoped: importing a key is pure and the secret cannot change while the isolate lives. */
const imported = new Map<string, Promise<{ id: string; key: CryptoKey }>>();

function importOnce(base64: string) {
  let key = imported.get(base64);
  if (!key) {
    key = importSealingKey(base64);
    imported.set(base64, key);
  }
  return key;
}

/** The keys that seal secrets at rest, or undefined when SECRETS_KEY is not configured. */
export async function sealingKeys(env: Pick<Env, "SECRETS_KEY" | "SECRETS_KEY_PREVIOUS">): Promise<SealingKeys | undefined> {
  if (!env.SECRETS_KEY) return undefined;
  const current = await importOnce(env.SECRETS_KEY);
  const previous = env.SECRETS_KEY_PREVIOUS ? await importOnce(env.SECRETS_KEY_PREVIOUS) : undefined;
  return previous ? { current, previous } : { current };
}
