import fc from "fast-check";

/**
 * What a careless or hostile client puts where text is expected: control characters, NUL and lone
 * surrogates (PostgreSQL refuses both), header and MIME injection, template and SQL syntax, markup,
 * addresses of the metadata service, bidi overrides, numbers as text and sizes past every limit.
 */
export const HOSTILE_FRAGMENTS = [
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udc00x",
  "x\ud83d",
  "\r\nBcc: victim@evil.test",
  "Ada\r\nSubject: forged\r\n\r\nbody",
  "\nX-Injected: 1",
  "%0d%0aSet-Cookie:%20session=stolen",
  "=?utf-8?q?=0D=0ABcc:_victim@evil.test?=",
  "{{ data | json }}{% raw %}",
  "{% for a in (1..100000000) %}{% for b in (1..100000000) %}x{% endfor %}{% endfor %}",
  "{% include '../../etc/passwd' %}",
  "'; DROP TABLE notifications; --",
  "../../../../etc/passwd",
  "..%2f..%2f..%2fetc%2fpasswd",
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "javascript:alert(1)",
  "http://169.254.169.254/latest/meta-data/",
  "smtp://127.0.0.1:25",
  "\u202eevil\u202c",
  "\ufeff",
  "\u0085\u2028\u2029",
  "🦄👩‍👩‍👧",
  "\\",
  '"',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, meant literally.
  "${7*7}",
  "-1",
  "0",
  "NaN",
  "1e309",
  "9007199254740993",
  "true",
  "null",
  "",
  " ",
  "ä".repeat(300),
  "x".repeat(5_000),
] as const;

/** One UTF-16 half without its partner. */
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));

/** Any code point, a C0/C1 control character, or a lone surrogate. */
const hostileUnit = fc.oneof(
  { arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), weight: 3 },
  {
    arbitrary: fc
      .integer({ min: 0, max: 0x9f })
      .filter((c) => c < 0x20 || c >= 0x7f)
      .map((c) => String.fromCharCode(c)),
    weight: 2,
  },
  { arbitrary: loneSurrogate, weight: 1 },
);

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_FRAGMENTS), weight: 4 },
  { arbitrary: fc.string({ unit: hostileUnit, maxLength: 40 }), weight: 3 },
  { arbitrary: fc.array(fc.constantFrom(...HOSTILE_FRAGMENTS), { minLength: 2, maxLength: 4 }).map((parts) => parts.join("")), weight: 2 },
  { arbitrary: fc.nat({ max: 200_000 }).map((n) => "x".repeat(n)), weight: 1 },
);

/** Nested `depth` levels of objects or arrays: past the JSON depth limit, and far past it. */
export const deepValue = fc.tuple(fc.constantFrom(33, 100, 5_000), fc.boolean()).map(([depth, arrays]) => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  return value;
});

/** Object keys: ordinary, hostile, and the ones that poison prototypes. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "", "a.b", "0", "toString"),
  fc.string({ maxLength: 12 }),
  hostileString.filter((s) => s.length < 200),
);

/** A value of any JSON type, built from hostile text, numbers at the edges, and deep or wide shapes. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { arbitrary: hostileString, weight: 5 },
    { arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, Number.MAX_SAFE_INTEGER, -Number.MAX_VALUE, 1e308), weight: 3 },
    { arbitrary: fc.array(tie("value"), { maxLength: 3 }), weight: 1 },
    { arbitrary: fc.dictionary(hostileKey, tie("value"), { maxKeys: 3 }), weight: 1 },
    { arbitrary: deepValue, weight: 1 },
    { arbitrary: fc.nat({ max: 20_000 }).map((n) => Array.from({ length: n }, (_, i) => i)), weight: 1 },
  ),
})).value;

/**
 * Text that a fetch() header can carry: printable ASCII (CR, LF and NUL are refused by the runtime
 * before they reach us, and other bytes arrive as UTF-8 of the same text), hostile in every other way.
 */
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
  fc.constantFrom("", "a".repeat(8_000), "Bearer", "null", "undefined", "%0d%0aX-Injected: 1", "1.1.1.1, 10.0.0.1", "::1"),
);
