import type { z } from "@hono/zod-openapi";
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { newApp, openApiConfig } from "../../src/app";

type Schema = { $ref?: string; example?: unknown; examples?: unknown[] };
type MediaType = { schema?: Schema; example?: unknown; examples?: Record<string, { value?: unknown }> };
type Operation = { operationId?: string; summary?: string; description?: string; requestBody?: { content: Record<string, MediaType> } };
type Document = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };

const app = newApp();
const doc = app.getOpenAPI31Document(openApiConfig) as unknown as Document;
const operations = Object.entries(doc.paths).flatMap(([path, byMethod]) =>
  Object.entries(byMethod).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, method, path, operation })),
);

const resolve = (schema: Schema | undefined): Schema | undefined => (schema?.$ref ? doc.components?.schemas?.[schema.$ref.replace("#/components/schemas/", "")] : schema);

/** The example a reader of the reference sees for a JSON body: the media type's own, else its schema's. */
function exampleOf(media: MediaType): { found: boolean; value?: unknown } {
  if (media.example !== undefined) return { found: true, value: media.example };
  const named = Object.values(media.examples ?? {})[0];
  if (named) return { found: true, value: named.value };
  const schema = resolve(media.schema);
  if (schema?.example !== undefined) return { found: true, value: schema.example };
  if (schema?.examples?.length) return { found: true, value: schema.examples[0] };
  return { found: false };
}

/** Each route's own zod schema for its JSON body, from the registry the document is built from. */
const bodySchemas = new Map<string, z.ZodType>();
for (const definition of app.openAPIRegistry.definitions) {
  if (definition.type !== "route") continue;
  const media = definition.route.request?.body?.content["application/json"];
  const schema = media && "schema" in media ? media.schema : undefined;
  if (schema && "safeParse" in schema) bodySchemas.set(`${definition.route.method.toUpperCase()} ${definition.route.path}`, schema as z.ZodType);
}

const listed = (names: string[]) => names.map((n) => `\n  - ${n}`).join("");

describe("the OpenAPI document as a product", () => {
  it("gives every operation an operationId, a summary and a description (who may call it, notable errors)", () => {
    expect(operations.length).toBeGreaterThan(30);
    const missing = operations.flatMap(({ name, operation }) => {
      const lacks = (["operationId", "summary", "description"] as const).filter((field) => !operation[field]?.trim());
      return lacks.length ? [`${name}: no ${lacks.join(", no ")}`] : [];
    });
    expect(missing, `Operations to describe in their createRoute (operationId, summary, description):${listed(missing)}`).toEqual([]);
  });

  it("gives operations unique operationIds, which clients and the reference name them by", () => {
    const seen = new Map<string, string>();
    const clashes = operations.flatMap(({ name, operation }) => {
      const id = operation.operationId;
      if (!id) return [];
      const first = seen.get(id);
      seen.set(id, first ?? name);
      return first ? [`${id}: ${first} and ${name}`] : [];
    });
    expect(clashes, `operationIds used twice:${listed(clashes)}`).toEqual([]);
  });

  it("shows an example for every JSON request body, and each example passes the route's own validation", () => {
    const withBody = operations.filter(({ operation }) => operation.requestBody?.content["application/json"]);
    expect(withBody.length).toBeGreaterThan(10);
    const problems = withBody.flatMap(({ name, operation }) => {
      const example = exampleOf(operation.requestBody?.content["application/json"] ?? {});
      if (!example.found) return [`${name}: no example (add .openapi({ example }) to its body schema)`];
      const schema = bodySchemas.get(name);
      if (!schema) return [`${name}: no zod schema found in the registry to check the example against`];
      const parsed = schema.safeParse(example.value);
      return parsed.success ? [] : [`${name}: the example does not validate: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"} ${i.message}`).join("; ")}`];
    });
    expect(problems, `JSON request bodies without a valid example:${listed(problems)}`).toEqual([]);
  });

  it("is what /openapi.json serves, and does not list the reference pages themselves", async () => {
    const res = await SELF.fetch("https://tidings.test/openapi.json");
    expect(res.status).toBe(200);
    const served = (await res.json()) as Document;
    expect(served).toEqual(JSON.parse(JSON.stringify(doc)));
    expect(Object.keys(served.paths).filter((p) => p.startsWith("/docs") || p === "/openapi.json")).toEqual([]);
  });
});
