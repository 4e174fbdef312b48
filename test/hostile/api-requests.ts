import fc from "fast-check";
import type { ApiKeyRole } from "../../src/platform/auth/api-key";
import { newApp } from "../../src/app";
import { acceptHeader, encodeComponent, type HostileRequest, nonJsonBody, query, urlText } from "./request";
import { hostileVariantOf, type OpenApiDocument, type Operation, validValue } from "./schema-values";
import { headerValue } from "./values";

/** The OpenAPI document as the Worker serves it at /openapi.json, built without a request. */
export const openApiDocument = (): OpenApiDocument =>
  newApp().getOpenAPI31Document({ openapi: "3.1.0", info: { title: "Tidings", version: "0.1.0" } }) as unknown as OpenApiDocument;

export type DocumentedRoute = { method: string; path: string; operation: Operation };

export const documentedRoutes = (doc: OpenApiDocument): DocumentedRoute[] =>
  Object.entries(doc.paths).flatMap(([path, operations]) => Object.entries(operations).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })));

/** What the organisation under attack really has, so hostile requests also reach past look-ups. */
export type Known = { keys: Record<ApiKeyRole, string>; pathValues: Record<string, string[]> };

/** Every way to present (or fail to present) an API key: real ones of each role, forged, cut, altered. */
export function authorization(keys: Record<ApiKeyRole, string>): fc.Arbitrary<string | undefined> {
  const admin = keys.admin;
  return fc.oneof(
    { arbitrary: fc.constant(`Bearer ${admin}`), weight: 8 },
    { arbitrary: fc.constantFrom(...Object.values(keys)).map((key) => `Bearer ${key}`), weight: 2 },
    { arbitrary: fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 8, maxLength: 64 }).map((tail) => `Bearer tid_${tail}`), weight: 1 },
    { arbitrary: fc.nat({ max: admin.length - 1 }).map((n) => `Bearer ${admin.slice(0, n)}`), weight: 1 },
    { arbitrary: fc.nat({ max: admin.length - 1 }).map((n) => `Bearer ${admin.slice(0, n)}${admin[n] === "a" ? "b" : "a"}${admin.slice(n + 1)}`), weight: 1 },
    { arbitrary: fc.constantFrom(undefined, `Basic ${btoa("admin:admin")}`, `bearer  ${admin}`, `Bearer ${admin} extra`, "Bearer"), weight: 1 },
    { arbitrary: headerValue, weight: 1 },
  );
}

const pathValue = (known: Known, name: string, schema: Operation["parameters"]) => {
  const values = known.pathValues[name] ?? [];
  const param = schema?.find((p) => p.name === name && p.in === "path");
  return fc.oneof(
    ...(values.length ? [{ arbitrary: fc.constantFrom(...values), weight: 4 }] : []),
    { arbitrary: param ? (validValue({ paths: {}, components: { schemas: {} } }, param.schema) as fc.Arbitrary<unknown>).map(String) : urlText, weight: 2 },
    { arbitrary: urlText, weight: 3 },
  );
};

/** Hostile requests at one documented operation: its path, query, headers and body each bent. */
export function requestsFor(doc: OpenApiDocument, route: DocumentedRoute, known: Known): fc.Arbitrary<HostileRequest> {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "");
  const pathArb = fc
    .tuple(...names.map((name) => pathValue(known, name, route.operation.parameters)))
    .map((values) => names.reduce((path, name, i) => path.replace(`{${name}}`, encodeComponent(values[i] ?? "")), route.path));
  const documentedQuery = (route.operation.parameters ?? []).filter((p) => p.in === "query");
  const queryArb = fc
    .tuple(fc.tuple(...documentedQuery.map((p) => fc.option(fc.oneof(validValue(doc, p.schema).map(String), urlText), { nil: undefined }).map((v) => [p.name, v] as const))), query)
    .map(([documented, extra]) => [...documented.flatMap(([k, v]) => (v === undefined ? [] : [[k, v] as [string, string]])), ...extra]);
  const schema = route.operation.requestBody?.content["application/json"]?.schema;
  const bodyArb: fc.Arbitrary<{ contentType?: string; body?: string | Uint8Array }> = schema
    ? fc.oneof(
        { arbitrary: hostileVariantOf(validValue(doc, schema)).map((v) => ({ contentType: "application/json", body: JSON.stringify(v) ?? "" })), weight: 7 },
        { arbitrary: nonJsonBody, weight: 3 },
      )
    : fc.oneof({ arbitrary: fc.constant({}), weight: 3 }, { arbitrary: nonJsonBody, weight: 1 });
  const idempotencyKey = route.operation.parameters?.some((p) => p.in === "header" && p.name === "idempotency-key")
    ? fc.option(fc.oneof(fc.uuid(), headerValue), { nil: undefined })
    : fc.constant(undefined);
  return fc
    .record({
      path: pathArb,
      query: queryArb,
      body: bodyArb,
      authorization: authorization(known.keys),
      accept: acceptHeader,
      idempotencyKey,
      forwardedFor: fc.option(headerValue, { nil: undefined }),
    })
    .map(({ path, query, body, authorization, accept, idempotencyKey, forwardedFor }) => {
      const headers: Record<string, string> = {};
      if (authorization !== undefined) headers.authorization = authorization;
      if (accept !== undefined) headers.accept = accept;
      if (body.contentType !== undefined) headers["content-type"] = body.contentType;
      if (idempotencyKey !== undefined) headers["idempotency-key"] = idempotencyKey;
      if (forwardedFor !== undefined) headers["x-forwarded-for"] = forwardedFor;
      return { method: route.method, path, query, headers, ...(body.body !== undefined ? { body: body.body } : {}) };
    });
}
