import { DatabaseError } from "@neondatabase/serverless";
import { DrizzleQueryError } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger, messageOf } from "../../src/platform/log";
import { describeError, safeMessage, stackFrames } from "../../src/platform/redact/errors";
import { redactForAddressee, redactText } from "../../src/platform/redact/text";

const ADDRESS = "ada.lovelace@example.co.uk";
const NAME = "Augusta Ada King";
const DATA = '{"comment":"salary talk"}';
const QUERY = 'insert into "recipients" ("id", "email", "name")\n  values ($1, $2, $3)';

/** A server refusal as the Neon driver builds it, with the fields PostgreSQL sends. */
function serverError(message: string, fields: Partial<Record<"code" | "detail" | "where" | "constraint" | "table" | "column", string>>): DatabaseError {
  return Object.assign(new DatabaseError(message, 0, "error"), { severity: "ERROR", ...fields });
}

/** What drizzle throws: its message carries every bound parameter, the server's error is the cause. */
const failedQuery = (cause: Error, params: unknown[] = ["r1", ADDRESS, `${NAME}\nsecond line`, DATA]) => new DrizzleQueryError(QUERY, params, cause);

const uniqueViolation = () =>
  serverError('duplicate key value violates unique constraint "recipients_email_idx"', {
    code: "23505",
    detail: `Key (organization_id, email)=(o1, ${ADDRESS}) already exists.`,
    constraint: "recipients_email_idx",
    table: "recipients",
  });

const SECRETS = [ADDRESS, "ada.lovelace", NAME, "second line", "salary talk"];
const expectNoSecrets = (text: string) => {
  for (const secret of SECRETS) expect(text, `${secret} left in: ${text}`).not.toContain(secret);
};

describe("the redaction rule on drizzle's failed queries", () => {
  it("describes a failed query by its SQL text and the server's code and constraint, never its parameters or DETAIL", () => {
    const summary = describeError(failedQuery(uniqueViolation()));
    expect(summary).toEqual({
      kind: "DrizzleQueryError",
      message: "query failed",
      query: 'insert into "recipients" ("id", "email", "name") values ($1, $2, $3)',
      cause: {
        kind: "DatabaseError",
        message: 'duplicate key value violates unique constraint "recipients_email_idx"',
        code: "23505",
        constraint: "recipients_email_idx",
        table: "recipients",
      },
    });
    expectNoSecrets(JSON.stringify(summary));
  });

  it("says in one line which statement failed and why", () => {
    const message = safeMessage(failedQuery(uniqueViolation()));
    expect(message).toBe(
      'query failed in: insert into "recipients" ("id", "email", "name") values ($1, $2, $3): DatabaseError: duplicate key value violates unique constraint "recipients_email_idx" (SQLSTATE 23505, constraint recipients_email_idx)',
    );
    expect(messageOf(failedQuery(uniqueViolation()))).toBe(message);
  });

  it("hides the input PostgreSQL quotes in a data exception and keeps the type it names", () => {
    const refused = serverError(`invalid input syntax for type uuid: "${ADDRESS}"`, { code: "22P02", where: `unnamed portal parameter $2 = '${ADDRESS}'` });
    expect(safeMessage(failedQuery(refused))).toContain('DatabaseError: invalid input syntax for type uuid: "[value]" (SQLSTATE 22P02)');
    expectNoSecrets(JSON.stringify(describeError(failedQuery(refused))));
  });

  it("cuts a query's parameters out of text to the first stack frame, even when a value spans lines", () => {
    const error = failedQuery(uniqueViolation());
    const text = redactText(String(error.stack));
    expect(text).toMatch(/^Error: Failed query: insert into "recipients".*\n {2}values \(\$1, \$2, \$3\)\nparams: \[redacted\]\n\s+at /);
    expectNoSecrets(text);
    expect(redactText(`Failed query: select 1\nparams: ${NAME}\nsecond line`)).toBe("Failed query: select 1\nparams: [redacted]");
  });

  it("cuts the values out of a unique violation's Key detail quoted as text", () => {
    expect(redactText(`DETAIL: Key (organization_id, email)=(o1, ${ADDRESS}) already exists.`)).toBe("DETAIL: Key (organization_id, email)=([redacted]) already exists.");
  });

  it("keeps a stack's frames and nothing of the message above them", () => {
    const frames = stackFrames(failedQuery(uniqueViolation()));
    expect(frames).toMatch(/^\s+at /);
    expectNoSecrets(frames);
  });
});

describe("log lines", () => {
  const printed: string[] = [];
  const original = { log: console.log, error: console.error };
  afterEach(() => Object.assign(console, original));
  const capture = () => {
    printed.length = 0;
    console.log = (line: string) => printed.push(line);
    console.error = (line: string) => printed.push(line);
  };

  it("carry an error as its kind, SQL text and code, without its parameters", () => {
    capture();
    createLogger({ requestId: "r1" }).error("ingest failed", { error: failedQuery(uniqueViolation()), detail: messageOf(failedQuery(uniqueViolation())) });
    const [line] = printed;
    expectNoSecrets(line ?? "");
    expect(JSON.parse(line ?? "{}")).toMatchObject({ level: "error", msg: "ingest failed", requestId: "r1", error: { kind: "DrizzleQueryError", cause: { code: "23505" } } });
  });

  it("mark personal and secret fields and scrub addresses from any text", () => {
    capture();
    createLogger().info(`sent to ${ADDRESS}`, { email: ADDRESS, recipient: { name: NAME }, token: "t0k3n", note: `bounced for ${ADDRESS}`, nested: { to: ADDRESS, count: 2 } });
    expect(JSON.parse(printed[0] ?? "{}")).toEqual({
      level: "info",
      msg: "sent to [email]",
      email: "[redacted]",
      recipient: "[redacted]",
      token: "[redacted]",
      note: "bounced for [email]",
      nested: { to: "[redacted]", count: 2 },
    });
  });
});

describe("a provider's answer about one email", () => {
  it("loses the addressee's address, local part and name, and keeps what the server said", () => {
    const reply = `SMTP mx:25 failed at rcpt: 550 5.1.1 <${ADDRESS}>: Recipient address rejected; "ada.lovelace"... User unknown (${NAME}); see https://x.test/?to=${encodeURIComponent(ADDRESS)}`;
    expect(redactForAddressee(reply, { email: ADDRESS, name: NAME })).toBe(
      'SMTP mx:25 failed at rcpt: 550 5.1.1 <[recipient]>: Recipient address rejected; "[recipient]"... User unknown ([recipient]); see https://x.test/?to=[recipient]',
    );
  });

  it("leaves words that merely contain a short name alone", () => {
    expect(redactForAddressee("550 mailbox in Canada is full", { email: "al@example.com", name: "Ada" })).toBe("550 mailbox in Canada is full");
  });
});
