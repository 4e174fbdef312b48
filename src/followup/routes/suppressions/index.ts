import { createRoute, type z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { App, HonoEnv } from "../../../context";
import { type EmailHashKeys, hashesUnderEvery } from "../../../platform/crypto/email-hash";
import { ApiError, errorResponses } from "../../../platform/errors";
import { recordApiChange } from "../../../platform/audit/record";
import { addManualSuppression, listSuppressions, type SuppressionEntry } from "../../suppression-store";
import { removeAudited, SUPPRESSION_EDITORS, SUPPRESSION_READERS } from "../../suppression-remove";
import { requireApiKey } from "../../../platform/http/auth";
import { CreateSuppressionBody, DeleteSuppressionQuery, EmailParams, ListSuppressionsQuery, SuppressionList, SuppressionView } from "./schema";

const readers = requireApiKey({ roles: SUPPRESSION_READERS });
const editors = requireApiKey({ roles: SUPPRESSION_EDITORS });
const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });

const list = createRoute({
  method: "get",
  path: "/v1/suppressions",
  operationId: "listSuppressions",
  tags: ["suppressions"],
  summary: "Addresses the organisation does not mail",
  description:
    "Addresses the organisation no longer mails (hard bounces, complaints, repeated soft bounces, manual entries), newest first; pages with `limit` and the previous page's `next` as `after`. The list stores keyed hashes: `email` is shown when one of your recipients has the address. Roles: viewer, editor, admin. Errors: 400 for a bad filter.",
  security: [{ bearer: [] }],
  middleware: [readers] as const,
  request: { query: ListSuppressionsQuery },
  responses: { 200: json(SuppressionList, "Suppressions"), ...errorResponses(400, 401, 403) },
});
const create = createRoute({
  method: "post",
  path: "/v1/suppressions",
  operationId: "createSuppression",
  tags: ["suppressions"],
  summary: "Suppress an address by hand",
  description:
    "Suppresses an address by hand: its notifications and digests end `suppressed` without reaching a provider, except critical mail. Adding an address that is already suppressed answers 200 with the existing entry, unchanged. Roles: editor, admin.",
  security: [{ bearer: [] }],
  middleware: [editors] as const,
  request: { body: { content: { "application/json": { schema: CreateSuppressionBody } }, required: true } },
  responses: { 201: json(SuppressionView, "Suppressed"), 200: json(SuppressionView, "Already suppressed; the entry is unchanged"), ...errorResponses(400, 401, 403) },
});
const remove = createRoute({
  method: "delete",
  path: "/v1/suppressions/{email}",
  operationId: "deleteSuppression",
  tags: ["suppressions"],
  summary: "Mail an address again",
  description:
    "Mails an address again. Removing a hard bounce or a complaint also needs an admin key and `force=true`: mailing such an address again is what gets a sending domain blocklisted. Roles: editor, admin (admin with force). Errors: 403 for force with an editor key; 404 when the address is not suppressed; 409 for a hard bounce or complaint without force.",
  security: [{ bearer: [] }],
  middleware: [editors] as const,
  request: { params: EmailParams, query: DeleteSuppressionQuery },
  responses: { 200: json(SuppressionView, "Removed; the removed entry"), ...errorResponses(400, 401, 403, 404, 409) },
});

async function hashKeys(c: Context<HonoEnv>): Promise<EmailHashKeys> {
  const key = await c.get("services").keys.emailHashes();
  if (!key) throw new ApiError("INTERNAL_SERVER_ERROR", "This deployment has neither EMAIL_HASH_KEY nor SECRETS_KEY, so it cannot hash addresses.");
  return key;
}

const view = (e: SuppressionEntry, email?: string): SuppressionView => ({
  email: e.email ?? email ?? null,
  emailHash: e.emailHash,
  reason: e.reason ?? "manual",
  softBounces: e.softBounces,
  detail: e.detail,
  suppressedAt: e.suppressedAt.toISOString(),
});

export const registerSuppressionRoutes = (app: App) => {
  app.openapi(list, async (c) => {
    const { limit, after, email } = c.req.valid("query");
    // Under every live key: an address listed before EMAIL_HASH_KEY rotated is still found.
    const emailHashes = email ? (await hashesUnderEvery(await hashKeys(c), email)).map((h) => h.hash) : undefined;
    const services = c.get("services");
    const page = await listSuppressions(services.db, c.get("caller").organizationId, {
      limit,
      sealing: await services.keys.sealing(),
      ...(after ? { after } : {}),
      ...(emailHashes ? { emailHashes } : {}),
    });
    return c.json({ suppressions: page.entries.map((e) => view(e, email)), next: page.next }, 200);
  });

  app.openapi(create, async (c) => {
    const { email, note } = c.req.valid("json");
    const { db } = c.get("services");
    const caller = c.get("caller");
    const added = await addManualSuppression(db, await hashKeys(c), caller.organizationId, email, note ?? null);
    if (added.created) {
      await recordApiChange(db, caller, { action: "suppression.add", targetType: "suppression", targetId: added.entry.emailHash, details: { reason: "manual" } });
    }
    return added.created ? c.json(view(added.entry, email), 201) : c.json(view(added.entry, email), 200);
  });

  app.openapi(remove, async (c) => {
    const { email } = c.req.valid("param");
    const force = c.req.valid("query").force === "true";
    const caller = c.get("caller");
    const removed = await removeAudited(c.get("services").db, await hashKeys(c), caller, email, force);
    if (!removed.ok) throw new ApiError(removed.error.code, removed.error.message, removed.error.fields);
    return c.json(view(removed.value, email), 200);
  });
};
