import { connect } from "cloudflare:sockets";
import { err, ok, type Result } from "../../platform/result";

export type SmtpStage = "connect" | "greeting" | "ehlo" | "starttls" | "auth" | "mail" | "rcpt" | "data" | "message";

/**
 * Where a session failed, and the server's reply if there was one (none for network errors and
 * timeouts). `refused`: we stopped because the server cannot meet our terms (no STARTTLS, no usable AUTH).
 */
export type SmtpFailure = { stage: SmtpStage; code?: number; reply: string; refused?: true };

export type SmtpSession = {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (port 465). */
  secure: boolean;
  /** Upgrade with STARTTLS (port 587); the send fails rather than continue in clear text when the server does not offer it. */
  startTls: boolean;
  username?: string;
  password?: string;
  /** The name we greet with (EHLO). */
  clientName: string;
  timeoutMs: number;
};

export type Envelope = { from: string; to: string; data: string };

type Reply = { code: number; lines: string[] };
const encoder = new TextEncoder();

/**
 * One SMTP transaction over `cloudflare:sockets`. worker-mailer cannot send a message we built and
 * DKIM-signed ourselves (it always builds its own MIME), so this is a minimal client of our own:
 * EHLO, STARTTLS, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, QUIT.
 */
export async function sendSmtp(session: SmtpSession, envelope: Envelope): Promise<Result<{ reply: string }, SmtpFailure>> {
  const deadline = Date.now() + session.timeoutMs;
  let stage: SmtpStage = "connect";
  let socket: Socket | undefined;
  try {
    socket = connect({ hostname: session.host, port: session.port }, { secureTransport: session.secure ? "on" : session.startTls ? "starttls" : "off", allowHalfOpen: false });
    await withDeadline(socket.opened, deadline);
    let io = new SmtpIo(socket, deadline);

    stage = "greeting";
    await io.expect(220);
    stage = "ehlo";
    let capabilities = await io.command(`EHLO ${session.clientName}`, 250);
    if (session.startTls && !session.secure) {
      stage = "starttls";
      if (!hasCapability(capabilities, "STARTTLS")) throw new SmtpRefusal("server does not offer STARTTLS; refusing to send in clear text");
      await io.command("STARTTLS", 220);
      io.release();
      socket = socket.startTls();
      io = new SmtpIo(socket, deadline);
      stage = "ehlo";
      capabilities = await io.command(`EHLO ${session.clientName}`, 250);
    }
    if (session.username !== undefined && session.password !== undefined) {
      stage = "auth";
      await authenticate(io, capabilities, session.username, session.password);
    }
    stage = "mail";
    await io.command(`MAIL FROM:<${envelope.from}>`, 250);
    stage = "rcpt";
    await io.command(`RCPT TO:<${envelope.to}>`, 250, 251);
    stage = "data";
    await io.command("DATA", 354);
    stage = "message";
    const accepted = await io.command(`${dotStuff(envelope.data)}.`, 250);
    // The message is accepted from here on: a failing QUIT must not turn it into a failure (and a resend).
    await io.command("QUIT", 221).catch(() => undefined);
    return ok({ reply: accepted.lines.join(" ") });
  } catch (e) {
    if (e instanceof SmtpReplyError) return err({ stage, code: e.reply.code, reply: `${e.reply.code} ${e.reply.lines.join(" ")}` });
    if (e instanceof SmtpRefusal) return err({ stage, reply: e.message, refused: true });
    return err({ stage, reply: e instanceof Error ? e.message : String(e) });
  } finally {
    await socket?.close().catch(() => undefined);
  }
}

async function authenticate(io: SmtpIo, capabilities: Reply, username: string, password: string): Promise<void> {
  const auth =
    capabilities.lines
      .find((l) => /^AUTH[ =]/i.test(l))
      ?.toUpperCase()
      .split(/[ =]/) ?? [];
  if (auth.includes("PLAIN")) {
    await io.command(`AUTH PLAIN ${base64Utf8(`\0${username}\0${password}`)}`, 235);
  } else if (auth.includes("LOGIN")) {
    await io.command("AUTH LOGIN", 334);
    await io.command(base64Utf8(username), 334);
    await io.command(base64Utf8(password), 235);
  } else {
    throw new SmtpRefusal("server offers neither AUTH PLAIN nor AUTH LOGIN on this connection");
  }
}

// Named here, not by their constructors: the bundle is built without esbuild's keepNames, so a
// class's own name may be renamed, and logs report an error's kind by its `name`.
class SmtpRefusal extends Error {
  override name = "SmtpRefusal";
}

class SmtpReplyError extends Error {
  override name = "SmtpReplyError";
  constructor(readonly reply: Reply) {
    super(`${reply.code} ${reply.lines.join(" ")}`);
  }
}

/** Line-oriented reading of (multi-line) replies, every read bounded by the session's deadline. */
class SmtpIo {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private buffer = "";

  constructor(
    socket: Socket,
    private readonly deadline: number,
  ) {
    this.reader = socket.readable.getReader();
    this.writer = socket.writable.getWriter();
  }

  async command(line: string, ...expected: number[]): Promise<Reply> {
    await withDeadline(this.writer.write(encoder.encode(`${line}\r\n`)), this.deadline);
    return this.expect(...expected);
  }

  async expect(...expected: number[]): Promise<Reply> {
    const reply = await this.readReply();
    if (!expected.includes(reply.code)) throw new SmtpReplyError(reply);
    return reply;
  }

  release(): void {
    this.reader.releaseLock();
    this.writer.releaseLock();
  }

  private async readReply(): Promise<Reply> {
    const lines: string[] = [];
    for (;;) {
      const newline = this.buffer.indexOf("\r\n");
      if (newline < 0) {
        const { value, done } = await withDeadline(this.reader.read(), this.deadline);
        if (done) throw new Error("connection closed by the server");
        this.buffer += this.decoder.decode(value, { stream: true });
        continue;
      }
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 2);
      const match = /^(\d{3})([ -]?)(.*)$/.exec(line);
      if (!match) throw new Error(`malformed SMTP reply ${JSON.stringify(line.slice(0, 100))}`);
      lines.push(match[3] ?? "");
      if (match[2] !== "-") return { code: Number(match[1]), lines };
    }
  }
}

function hasCapability(reply: Reply, name: string): boolean {
  return reply.lines.some((l) => l.toUpperCase().split(" ")[0] === name);
}

/** RFC 5321 4.5.2: a line starting with "." gets another, so no body line reads as the end of data. */
function dotStuff(data: string): string {
  const stuffed = data.replace(/\r\n\./g, "\r\n..").replace(/^\./, "..");
  return stuffed.endsWith("\r\n") ? stuffed : `${stuffed}\r\n`;
}

function base64Utf8(text: string): string {
  return btoa(String.fromCharCode(...encoder.encode(text)));
}

async function withDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("SMTP server did not answer in time")), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
