import { Context, type Expression, isTruthy, Liquid, LiquidError, TokenKind, Tokenizer, toValueSync } from "liquidjs";
import { err, ok, type Result } from "../platform/result";

/**
 * A rule's condition is one liquid expression, the part between `{% if` and `%}`: comparisons
 * (`==`, `!=`, `>`, `<`, `>=`, `<=`, `contains`), `and`, `or` and literals, over `data` (the
 * event's data) and `recipient` (id, email, name, locale, timezone, role and the recipient's
 * attributes). liquidjs already evaluates these for every template, so conditions read the way
 * template authors write them, and the language has no loops, assignments or filters to budget.
 * Liquid's truthiness applies: only `false` and `nil` are false.
 */
export const MAX_CONDITION_LENGTH = 500;
const ROOTS = new Set(["data", "recipient"]);

export type ConditionError = { message: string; column: number };

// Small budgets: a condition is one expression, and a range literal must not build a huge array.
const liquid = new Liquid({ strictFilters: true, parseLimit: MAX_CONDITION_LENGTH * 4, memoryLimit: 100_000 });

/** Compiled conditions per isolate: an event type's rules are evaluated for every recipient of every event. */
const compiled = new Map<string, Expression>();
const MAX_COMPILED = 500;

/** Parses a condition and checks it is one complete expression over `data` and `recipient`. */
export function compileCondition(source: string): Result<Expression, ConditionError> {
  const cached = compiled.get(source);
  if (cached) return ok(cached);
  if (source.trim() === "") return err({ message: "a condition cannot be empty (leave it out to match every recipient)", column: 1 });
  if (source.length > MAX_CONDITION_LENGTH) return err({ message: `a condition is at most ${MAX_CONDITION_LENGTH} characters`, column: MAX_CONDITION_LENGTH + 1 });
  let expression: Expression;
  try {
    const tokenizer = new Tokenizer(source);
    expression = tokenizer.readExpression();
    tokenizer.skipBlank();
    if (!tokenizer.end()) return err({ message: `unexpected "${source.slice(tokenizer.p)}"`, column: tokenizer.p + 1 });
  } catch (e) {
    return err({ message: e instanceof LiquidError ? e.message.replace(/, line:\d+, col:\d+$/, "") : String(e), column: 1 });
  }
  // The postfix form must reduce to exactly one value: `a ==` or `a b` leave too few or too many.
  let depth = 0;
  for (const token of expression.postfix) {
    // By kind, not class name: the bundle may not keep names.
    if (token.kind === TokenKind.Operator) {
      const operator = token.getText();
      depth += operator === "not" ? 0 : -1;
      if (depth < 1) return err({ message: `"${operator}" is missing a value to compare`, column: token.begin + 1 });
    } else {
      depth += 1;
      // A range builds its whole array when evaluated: `(1..100000000)` would compile and then fail
      // for every recipient, so it is refused here, when the rule is saved.
      if (token.kind === TokenKind.Range) return err({ message: "ranges are not allowed in a condition", column: token.begin + 1 });
      if (token.kind === TokenKind.PropertyAccess) {
        const root = rootName(token.getText());
        if (!ROOTS.has(root)) return err({ message: `unknown variable "${root}": use data.… or recipient.…`, column: token.begin + 1 });
      }
    }
  }
  if (depth !== 1) return err({ message: 'expected one expression, e.g. recipient.role == "owner" and data.amount > 1000', column: 1 });
  if (compiled.size >= MAX_COMPILED) compiled.clear();
  compiled.set(source, expression);
  return ok(expression);
}

const rootName = (text: string) => /^[^.[]*/.exec(text)?.[0] ?? text;

export type ConditionScope = { data: Record<string, unknown>; recipient: Record<string, unknown> };

/**
 * Whether the condition holds. One that fails to evaluate (it was valid when saved, the data is not
 * what it expected) does not match, and the caller reports it.
 */
export function evaluateCondition(source: string, scope: ConditionScope): Result<boolean, string> {
  const expression = compileCondition(source);
  if (!expression.ok) return err(expression.error.message);
  try {
    const ctx = new Context(scope, liquid.options, { sync: true });
    return ok(isTruthy(toValueSync(expression.value.evaluate(ctx, false)), ctx));
  } catch (e) {
    return err(e instanceof Error ? e.message : String(e));
  }
}
