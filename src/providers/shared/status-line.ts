/**
 * What an error message may carry of a provider's answer: one short line of printable text. An
 * HTML page is no API's answer and is dropped; so is anything past `max` characters. The message
 * lands in the delivery history an organisation can read, so it must not become a way to read
 * other hosts' pages.
 */
export function statusLine(text: string | undefined, max = 160): string {
  const trimmed = (text ?? "").trim();
  if (trimmed.startsWith("<")) return "";
  return trimmed
    .replace(/[^\x20-\x7e]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, max);
}
