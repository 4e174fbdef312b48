import { describeError } from "./errors";
import { isPrivateKey, redactText } from "./text";

const MAX_DEPTH = 12;

/**
 * A value as it may be written: strings redacted, errors described (errors.ts) wherever they sit,
 * private keys dropped (Sentry, whose schema has no place for a marker) or marked `[redacted]`
 * (log lines, where a reader should see that a value was withheld).
 */
export function redactValue(value: unknown, privateKeys: "drop" | "mark", depth = 0): unknown {
  if (typeof value === "string") return redactText(value);
  if (value instanceof Error) return describeError(value);
  if (depth >= MAX_DEPTH || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, privateKeys, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (isPrivateKey(key)) {
      if (privateKeys === "mark") out[key] = "[redacted]";
      continue;
    }
    out[redactText(key)] = redactValue(item, privateKeys, depth + 1);
  }
  return out;
}
