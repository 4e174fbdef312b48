import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ruleRows } from "../fixtures/rules";
import type { HostileRequest } from "./request";
import { organizationUnderAttack } from "./organization";
import { attack, HOSTILE_RUNS, HOSTILE_TIMEOUT_MS } from "./run";
import { hostileVariantOf } from "./schema-values";
import { hostileString } from "./values";

/**
 * Conditions built from the language's own pieces, so most parse and many compile: the generic
 * suite's random text rarely gets past the parser, and its random template keys never name a real
 * template, so the rules' write path would go unattacked.
 */
const conditionPiece = fc.oneof(
  fc.constantFrom("data.amount", "data.tags", "data.a.b[0]", "recipient.role", "recipient.plan", "foo.bar", "env", "nil", "empty", "blank", "true"),
  fc.constantFrom("==", "!=", ">", "<=", "contains", "and", "or", "not", "|", "upcase", "(1..9)", "(1..100000000)", "{{", "%}", "..", "[", "]"),
  fc.oneof(
    fc.integer().map(String),
    fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)),
    hostileString,
  ),
);
const condition = fc.oneof(
  { arbitrary: fc.array(conditionPiece, { minLength: 1, maxLength: 7 }).map((pieces) => pieces.join(" ")), weight: 6 },
  { arbitrary: fc.constantFrom('recipient.role == "owner"', 'recipient.role == "owner" and data.amount > 1000', 'data.tags contains "x"'), weight: 2 },
  { arbitrary: hostileString, weight: 1 },
);

const rule = fc.record(
  {
    key: fc.constantFrom("a", "b", "owner-alert", "watcher_email"),
    template: fc.oneof({ arbitrary: fc.constant("comment"), weight: 4 }, { arbitrary: hostileString, weight: 1 }),
    category: fc.constantFrom("comments", "alerts", "tasks"),
    priority: fc.constantFrom("normal", "high"),
    critical: fc.boolean(),
    condition,
    throttle: fc.record({ limit: fc.integer({ min: -1, max: 1001 }), windowSeconds: fc.integer({ min: 0, max: 2_600_000 }), overflow: fc.constantFrom("skip", "digest") }),
  },
  { requiredKeys: ["key", "template"] },
);

const body = fc.record({
  category: fc.constantFrom("comments", "alerts"),
  template: fc.constant("comment"),
  rules: fc.array(rule, { maxLength: 22 }),
});

const requests = (keys: Record<string, string>): fc.Arbitrary<HostileRequest> =>
  fc.record({ type: fc.constantFrom("comment.created", "task.updated"), body: hostileVariantOf(body) }).map(({ type, body }) => ({
    method: "PUT",
    path: `/v1/event-types/${type}`,
    query: [],
    headers: { authorization: `Bearer ${keys.admin}`, "content-type": "application/json" },
    body: JSON.stringify(body) ?? "",
  }));

describe(`PUT /v1/event-types/{type} with rules, under ${HOSTILE_RUNS} hostile rule lists`, () => {
  it(
    "never answers 5xx, refuses in the error envelope, and a refusal changes nothing",
    async () => {
      const { org, known } = await organizationUnderAttack();
      await attack(org.organizationId, requests(known.keys), { personal: false });
      // Some lists were valid and saved, so the write path (archive, upsert) was attacked too.
      expect((await ruleRows(org.organizationId)).length).toBeGreaterThan(0);
    },
    HOSTILE_TIMEOUT_MS,
  );
});
