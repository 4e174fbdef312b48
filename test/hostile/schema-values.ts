import fc from "fast-check";
import { hostileKey, hostileValue } from "./values";

/** The parts of JSON Schema that the OpenAPI document of Tidings uses. */
export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
};

export type OpenApiDocument = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema> };
};

export type Operation = {
  parameters?: { name: string; in: "path" | "query" | "header"; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  security?: unknown[];
};

const MAX_DEPTH = 6;

/** Values the schema allows (near enough: a pattern fast-check cannot read becomes any short text). */
export function validValue(doc: OpenApiDocument, schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (schema.$ref) {
    const name = schema.$ref.replace("#/components/schemas/", "");
    const target = doc.components.schemas[name];
    if (!target) throw new Error(`the OpenAPI document has no schema ${name}`);
    return validValue(doc, target, depth);
  }
  if (schema.allOf) return fc.tuple(...schema.allOf.map((part) => validValue(doc, part, depth))).map((parts) => Object.assign({}, ...parts.filter(isObject)));
  const choices = schema.oneOf ?? schema.anyOf;
  if (choices) return fc.oneof(...choices.map((choice) => validValue(doc, choice, depth)));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (Array.isArray(schema.type)) return fc.oneof(...schema.type.map((type) => validValue(doc, { ...schema, type }, depth)));
  switch (schema.type) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer":
      return fc.integer({ min: schema.minimum ?? (schema.exclusiveMinimum ?? -1) + 1, max: schema.maximum ?? 1_000 });
    case "number":
      return fc.double({ min: schema.minimum ?? 0, max: schema.maximum ?? 1_000, noNaN: true });
    case "string":
      return validString(schema);
    case "array":
      if (depth >= MAX_DEPTH) return fc.constant([]);
      return fc.array(validValue(doc, schema.items ?? {}, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)),
      });
    case "object":
      return validObject(doc, schema, depth);
    default:
      // `{}`: any JSON at all, as event data is.
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function validObject(doc: OpenApiDocument, schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  if (depth >= MAX_DEPTH) return fc.constant({});
  const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, value]) => [key, validValue(doc, value, depth + 1)]));
  const known = fc.record(properties, { requiredKeys: (schema.required ?? []).filter((key) => key in properties) });
  const extra = schema.additionalProperties;
  if (!extra || Object.keys(properties).length > 0) return known;
  // A map such as preference defaults' categories: a few plausible keys.
  const values = extra === true ? fc.jsonValue({ maxDepth: 2 }) : validValue(doc, extra, depth + 1);
  return fc.dictionary(fc.constantFrom("comments", "billing", "security", "en", "de"), values, { maxKeys: 3 });
}

function validString(schema: JsonSchema): fc.Arbitrary<string> {
  switch (schema.format) {
    case "email":
      return fc.emailAddress();
    case "uuid":
      return fc.uuid();
    case "uri":
      return fc.webUrl();
    case "date-time":
      return fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true }).map((d) => d.toISOString());
  }
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 30, 30));
  if (schema.pattern) {
    const matching = patternArbitrary(schema.pattern);
    if (matching) return matching.filter((s) => s.length >= minLength && s.length <= (schema.maxLength ?? Number.POSITIVE_INFINITY));
  }
  return fc.string({ minLength, maxLength });
}

/** zod writes a flagged pattern as `source/flags`; fast-check reads no lookaheads. */
function patternArbitrary(pattern: string): fc.Arbitrary<string> | undefined {
  const flagged = /^(.*)\/([a-z]+)$/.exec(pattern);
  try {
    return fc.stringMatching(flagged ? new RegExp(flagged[1] ?? "", flagged[2]) : new RegExp(pattern));
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** One change that makes a valid value hostile, applied at one place (`at` picks it) in the value. */
export type Mutation = { at: number; kind: "replace" | "drop" | "extra" | "wrap" | "stringify"; key: string; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom("replace", "replace", "replace", "drop", "extra", "wrap", "stringify"),
  key: hostileKey,
  value: hostileValue,
});

/** Every place in a JSON value down to depth 20: the root (no parent) and each property and element below it. */
function placesIn(value: unknown): { parent: Record<string, unknown> | unknown[] | undefined; key: string | number }[] {
  const places: { parent: Record<string, unknown> | unknown[] | undefined; key: string | number }[] = [{ parent: undefined, key: "" }];
  const walk = (node: unknown, depth: number) => {
    // Deeper places (a hostile value 5,000 levels deep) add nothing a shallower change does not.
    if (depth > 20) return;
    if (Array.isArray(node)) {
      node.slice(0, 50).forEach((child, i) => {
        places.push({ parent: node, key: i });
        walk(child, depth + 1);
      });
    } else if (isObject(node)) {
      for (const [key, child] of Object.entries(node)) {
        places.push({ parent: node, key });
        walk(child, depth + 1);
      }
    }
  };
  walk(value, 0);
  return places;
}

export function applyMutation(value: unknown, m: Mutation): unknown {
  const places = placesIn(value);
  const place = places[m.at % places.length];
  if (!place) return value;
  const { parent, key } = place;
  const current = parent === undefined ? value : (parent as Record<string | number, unknown>)[key];
  const next = (() => {
    switch (m.kind) {
      case "replace":
        return m.value;
      case "wrap":
        return [current];
      case "stringify":
        return JSON.stringify(current ?? null);
      case "extra":
        if (isObject(current)) Object.defineProperty(current, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
        return current;
      case "drop":
        return undefined;
    }
  })();
  if (parent === undefined) return next;
  if (Array.isArray(parent)) {
    if (next === undefined) parent.splice(key as number, 1);
    else parent[key as number] = next;
  } else if (next === undefined) delete parent[key as string];
  else parent[key as string] = next;
  return value;
}

/** A valid value with up to three hostile changes; now and then none, so the happy path is walked too. */
export const hostileVariantOf = (valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.tuple(valid, fc.array(mutation, { minLength: 0, maxLength: 3 })).map(([v, mutations]) => mutations.reduce(applyMutation, structuredClone(v)));
