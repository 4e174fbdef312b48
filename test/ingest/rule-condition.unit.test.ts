import { describe, expect, it } from "vitest";
import { compileCondition, evaluateCondition, MAX_CONDITION_LENGTH } from "../../src/ingest/rule-condition";

const scope = {
  data: { amount: 1500, zero: 0, empty: "", no: false, none: null, tags: ["urgent", "billing"], title: "Outage in ops", text: "2000" },
  recipient: { id: "u1", role: "owner", plan: "pro", seats: 12 },
};

const holds = (condition: string) => {
  const result = evaluateCondition(condition, scope);
  if (!result.ok) throw new Error(result.error);
  return result.value;
};

describe("compileCondition", () => {
  it.each([
    'recipient.role == "owner"',
    'recipient.role == "owner" and data.amount > 1000',
    'data.tags contains "urgent" or data.title contains "ops"',
    "not data.no",
    "data.tags.size > 1",
    "data.amount",
  ])("accepts %j", (condition) => {
    expect(compileCondition(condition).ok).toBe(true);
  });

  it.each([
    ["recipient.role ==", { message: '"==" is missing a value to compare', column: 16 }],
    ["== 1", { message: '"==" is missing a value to compare', column: 1 }],
    ["data.amount > 1000 and", { message: '"and" is missing a value to compare', column: 20 }],
    ["foo.bar == 1", { message: 'unknown variable "foo": use data.… or recipient.…', column: 1 }],
    ['data.a == 1 and env.secret == "x"', { message: 'unknown variable "env": use data.… or recipient.…', column: 17 }],
    ["data.x | upcase", { message: 'unexpected "| upcase"', column: 8 }],
    ["(1..100000000) contains 5", { message: "ranges are not allowed in a condition", column: 1 }],
    ["data.a data.b", { message: 'expected one expression, e.g. recipient.role == "owner" and data.amount > 1000', column: 1 }],
    ["   ", { message: "a condition cannot be empty (leave it out to match every recipient)", column: 1 }],
  ])("refuses %j, naming the column", (condition, error) => {
    const result = compileCondition(condition);
    expect(result.ok ? "compiled" : result.error).toEqual(error);
  });

  it("refuses a condition longer than the limit", () => {
    const result = compileCondition(`data.a == "${"x".repeat(MAX_CONDITION_LENGTH)}"`);
    expect(result.ok ? "compiled" : result.error.column).toBe(MAX_CONDITION_LENGTH + 1);
  });
});

describe("evaluateCondition", () => {
  it("compares event data and the recipient's role and attributes", () => {
    expect(holds('recipient.role == "owner" and data.amount > 1000')).toBe(true);
    expect(holds('recipient.role == "owner" and data.amount > 2000')).toBe(false);
    expect(holds('recipient.plan == "pro" and recipient.seats >= 12')).toBe(true);
    expect(holds('recipient.role != "owner"')).toBe(false);
  });

  it("follows liquid's truthiness: only false and nil are false, so 0 and the empty string hold", () => {
    expect([holds("data.zero"), holds("data.empty"), holds("data.no"), holds("data.none"), holds("data.missing")]).toEqual([true, true, false, false, false]);
  });

  it("never matches a comparison with a missing value", () => {
    expect([holds("data.missing > 1000"), holds("data.missing < 1000"), holds('recipient.team == "ops"')]).toEqual([false, false, false]);
  });

  it("tests membership of arrays and substrings of strings with contains", () => {
    expect([holds('data.tags contains "urgent"'), holds('data.tags contains "urg"'), holds('data.title contains "ops"'), holds('data.title contains "dev"')]).toEqual([
      true,
      false,
      true,
      false,
    ]);
  });

  it("evaluates and/or from the right without precedence, as liquid does", () => {
    expect(holds("true or false and false")).toBe(true);
    expect(holds("false and false or true")).toBe(false);
    expect(holds('data.amount > 1000 or recipient.role == "guest"')).toBe(true);
  });
});
