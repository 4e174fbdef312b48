// A Node module hook for `npm run client:generate`: openapi-typescript builds its output with
// TypeScript's JS compiler API (ts.factory, the printer), which TypeScript 7 — our `typescript`,
// the Go port — no longer ships. Its `typescript` import is pointed at the `typescript5` alias
// (npm:typescript@5.9.3); every other module keeps resolving `typescript` as before.

/** @type {import("node:module").ResolveHook} */
export async function resolve(specifier, context, nextResolve) {
  if (specifier === "typescript" && context.parentURL?.includes("/node_modules/openapi-typescript/")) return nextResolve("typescript5", context);
  return nextResolve(specifier, context);
}
