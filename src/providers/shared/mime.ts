import { err, ok, type Result } from "../../platform/result";
import type { Address, OutgoingEmail } from "../provider";

/** An RFC 5322 message in 7-bit ASCII with CRLF line endings, and the Message-ID it carries (without angle brackets). */
export type MimeMessage = { raw: string; messageId: string };

export type MimeOptions = { date?: Date; messageId?: string };

// Headers the builder writes itself: a custom header with one of these names would duplicate or contradict them.
const RESERVED = new Set(["from", "to", "cc", "bcc", "reply-to", "subject", "date", "message-id", "mime-version", "content-type", "content-transfer-encoding", "dkim-signature"]);
const HEADER_NAME = /^[!-9;-~]+$/;
// Deliberately strict: these addresses go into SMTP commands too, where CR, LF, <, > or spaces would inject commands.
const ADDRESS = /^[^\s<>()[\]\\,;:"@]+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]+$/;
const encoder = new TextEncoder();

export function isSafeAddress(email: string): boolean {
  return ADDRESS.test(email);
}

/**
 * Builds a multipart/alternative message (text/plain, then text/html, both quoted-printable) from an
 * OutgoingEmail, or a single text/plain body when the recipient wants plain text only. Refuses addresses and headers that cannot be written safely: a permanent problem of
 * this message, never worth a retry.
 */
export function buildMime(email: OutgoingEmail, options: MimeOptions = {}): Result<MimeMessage, string> {
  for (const address of [email.from, email.to, ...(email.replyTo ? [email.replyTo] : [])]) {
    if (!isSafeAddress(address.email)) return err(`invalid email address ${JSON.stringify(address.email)}`);
  }
  const custom: string[] = [];
  for (const [name, value] of Object.entries(email.headers)) {
    if (!HEADER_NAME.test(name)) return err(`invalid header name ${JSON.stringify(name)}`);
    if (RESERVED.has(name.toLowerCase())) return err(`header ${name} is set by Tidings and cannot be overridden`);
    if (/[\r\n]/.test(value)) return err(`header ${name} contains a line break`);
    custom.push(foldHeader(name, isAscii(value) ? value : encodeWords(value)));
  }
  const domain = email.from.email.split("@")[1]?.toLowerCase() ?? "tidings.invalid";
  const messageId = options.messageId ?? `${crypto.randomUUID()}@${domain}`;
  // "=_" cannot occur in quoted-printable output (an "=" is always followed by hex digits or a line
  // break), so the boundary can never collide with a body line.
  const boundary = `=_tidings_${crypto.randomUUID().replaceAll("-", "")}`;
  const headers = [
    foldHeader("From", formatAddress(email.from)),
    foldHeader("To", formatAddress(email.to)),
    ...(email.replyTo ? [foldHeader("Reply-To", formatAddress(email.replyTo))] : []),
    foldHeader("Subject", isAscii(email.subject) ? email.subject : encodeWords(email.subject)),
    `Date: ${formatDate(options.date ?? new Date())}`,
    `Message-ID: <${messageId}>`,
    "MIME-Version: 1.0",
    ...custom,
  ];
  if (email.html === undefined) {
    headers.push("Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable");
    return ok({ raw: `${headers.join("\r\n")}\r\n\r\n${encodeQuotedPrintable(email.text)}\r\n`, messageId });
  }
  headers.push(`Content-Type: multipart/alternative; boundary="${boundary}"`);
  const part = (type: string, content: string) =>
    `--${boundary}\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${encodeQuotedPrintable(content)}\r\n`;
  const body = `${part("text/plain", email.text)}${part("text/html", email.html)}--${boundary}--\r\n`;
  return ok({ raw: `${headers.join("\r\n")}\r\n\r\n${body}`, messageId });
}

export function formatAddress({ email, name }: Address): string {
  if (!name) return email;
  if (!isAscii(name)) return `${encodeWords(name)} <${email}>`;
  // A display name made only of atext and spaces may stand bare; anything else is quoted (RFC 5322 3.2.4).
  const phrase = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+$/.test(name) ? name : `"${name.replace(/[\\"]/g, "\\$&")}"`;
  return `${phrase} <${email}>`;
}

/** RFC 5322 date-time in UTC, e.g. `Fri, 27 Nov 2026 10:00:00 +0000`. */
export function formatDate(date: Date): string {
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${days[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/**
 * RFC 2047 B-encoded words, each at most 75 characters, split between characters (never inside a
 * UTF-8 sequence, which would make decoders show replacement characters), separated by folding
 * whitespace that decoders drop between adjacent encoded words.
 */
export function encodeWords(text: string): string {
  const words: string[] = [];
  let chunk = "";
  for (const char of text) {
    // 45 bytes encode to 60 base64 characters: with "=?utf-8?B?" and "?=" that is 72 <= 75.
    if (encoder.encode(chunk + char).length > 45) {
      words.push(chunk);
      chunk = "";
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?utf-8?B?${toBase64(encoder.encode(w))}?=`).join("\r\n ");
}

/** Folds at spaces so lines stay near 78 characters; a longer word keeps its own line (under the hard 998 limit). */
export function foldHeader(name: string, value: string): string {
  const lines: string[] = [];
  let line = `${name}:`;
  for (const [i, segment] of value.split("\r\n ").entries()) {
    // Encoded words come pre-split: each starts a fresh line after the first.
    if (i > 0) {
      lines.push(line);
      line = "";
    }
    for (const word of segment.split(" ")) {
      if (line.length > 0 && line.length + 1 + word.length > 78 && line.trim() !== `${name}:`) {
        lines.push(line);
        line = "";
      }
      line += ` ${word}`;
    }
  }
  lines.push(line);
  return lines.join("\r\n");
}

/** RFC 2045 quoted-printable over UTF-8 with CRLF line breaks and lines of at most 76 characters. */
export function encodeQuotedPrintable(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => {
      const bytes = encoder.encode(line);
      let out = "";
      let column = 0;
      bytes.forEach((byte, i) => {
        const last = i === bytes.length - 1;
        // Trailing spaces and tabs would be stripped in transit, so they are encoded at the end of a line.
        const literal = (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !last);
        const token = literal ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
        if (column + token.length > 75) {
          out += "=\r\n";
          column = 0;
        }
        out += token;
        column += token.length;
      });
      return out;
    })
    .join("\r\n");
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

const isAscii = (s: string) => /^[\x20-\x7e]*$/.test(s);
