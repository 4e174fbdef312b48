import { createRoute } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { recordApiChange } from "../../../platform/audit/record";
import type { App } from "../../../context";
import { seal } from "../../../platform/crypto/sealed-box";
import type { Database } from "../../../platform/db/client";
import { organizations } from "../../../platform/db/schema";
import { ApiError, errorResponses } from "../../../platform/errors";
import { requireApiKey } from "../../../platform/http/auth";
import { OrganizationView, PatchOrganizationBody } from "./schema";

async function view(db: Database, id: string): Promise<OrganizationView> {
  const [o] = await db.select().from(organizations).where(eq(organizations.id, id));
  if (!o) throw new ApiError("NOT_FOUND", "No such organisation.");
  return {
    id: o.id,
    name: o.name,
    fromEmail: o.fromEmail,
    fromName: o.fromName,
    replyTo: o.replyTo,
    sendingDomain: o.sendingDomain,
    dkim: o.dkimSelector && o.dkimPrivateKey ? { selector: o.dkimSelector, configured: true } : null,
    branding: o.branding,
    timezone: o.timezone,
    quietHours: o.quietHours ?? null,
    retentionDays: o.retentionDays,
    sendingPaused: o.sendingPausedAt ? { since: o.sendingPausedAt.toISOString(), reason: o.sendingPausedReason } : null,
  };
}

/** From must sit in the sending domain, or DMARC alignment with the DKIM d= fails at the receiver. */
function alignedWith(fromEmail: string, domain: string): boolean {
  const host = fromEmail.split("@")[1]?.toLowerCase() ?? "";
  return host === domain.toLowerCase() || host.endsWith(`.${domain.toLowerCase()}`);
}

/** The change as the audit log keeps it: the DKIM key is sealed at rest, so the log only says it was replaced. */
function auditedChange(body: PatchOrganizationBody): Record<string, unknown> {
  const { dkim, ...rest } = body;
  if (dkim === undefined) return rest;
  return { ...rest, dkim: dkim && { selector: dkim.selector, privateKeyPem: "(replaced)" } };
}

async function isUsablePrivateKey(pem: string): Promise<boolean> {
  const body = pem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, "").replace(/\s+/g, "");
  try {
    const der = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
    await crypto.subtle.importKey("pkcs8", der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
    return true;
  } catch {
    return false;
  }
}

const getRoute = createRoute({
  method: "get",
  path: "/v1/organization",
  operationId: "getOrganization",
  tags: ["organization"],
  summary: "Sender identity, DKIM, branding and sending state of the caller's organisation",
  description:
    "The caller's organisation: sender address and name, reply-to, sending domain, whether a DKIM key is set (never the key), branding, time zone, quiet hours, retention period in days, and whether the bounce-rate guard has paused sending. Roles: viewer, editor, admin.",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["viewer", "editor", "admin"] })] as const,
  responses: { 200: { description: "Organisation", content: { "application/json": { schema: OrganizationView } } }, ...errorResponses(401, 403) },
});

const patchRoute = createRoute({
  method: "patch",
  path: "/v1/organization",
  operationId: "updateOrganization",
  tags: ["organization"],
  summary: "Change the sender address, reply-to, sending domain, DKIM key, branding, time zone, quiet hours or retention period",
  description:
    "Changes only the fields given (`null` clears a nullable one); branding fields given replace the stored ones, the others stay; `quietHours` replaces the window (null: none). The DKIM private key is sealed at rest and the audit log shows it only as replaced; a PATCH that changes nothing is not audited. Roles: admin. Errors: 400 for a DKIM key that is not an RSA PKCS#8 PEM; 422 when the sender address is not in the sending domain (DMARC alignment would fail).",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["admin"] })] as const,
  request: { body: { content: { "application/json": { schema: PatchOrganizationBody } }, required: true } },
  responses: { 200: { description: "Organisation", content: { "application/json": { schema: OrganizationView } } }, ...errorResponses(400, 401, 403, 422) },
});

export const registerOrganizationRoutes = (app: App) => {
  app.openapi(getRoute, async (c) => c.json(await view(c.get("services").db, c.get("caller").organizationId), 200));
  app.openapi(patchRoute, async (c) => {
    const { db } = c.get("services");
    const caller = c.get("caller");
    const id = caller.organizationId;
    const body = c.req.valid("json");
    const current = await view(db, id);
    const domain = body.sendingDomain === undefined ? current.sendingDomain : body.sendingDomain;
    const from = body.fromEmail ?? current.fromEmail;
    if (domain && !alignedWith(from, domain)) {
      throw new ApiError("UNPROCESSABLE_ENTITY", `The sender ${from} is not in the sending domain ${domain}, so DMARC alignment would fail.`, [
        { path: body.fromEmail ? "fromEmail" : "sendingDomain", message: "sender and sending domain must align" },
      ]);
    }
    const changes: Partial<typeof organizations.$inferInsert> = {};
    if (body.name !== undefined) changes.name = body.name;
    if (body.fromEmail !== undefined) changes.fromEmail = body.fromEmail;
    if (body.fromName !== undefined) changes.fromName = body.fromName;
    if (body.replyTo !== undefined) changes.replyTo = body.replyTo;
    if (body.sendingDomain !== undefined) changes.sendingDomain = body.sendingDomain;
    if (body.branding !== undefined) changes.branding = { ...current.branding, ...body.branding };
    if (body.timezone !== undefined) changes.timezone = body.timezone;
    if (body.retentionDays !== undefined) changes.retentionDays = body.retentionDays;
    if (body.quietHours !== undefined) changes.quietHours = body.quietHours;
    if (body.dkim === null) Object.assign(changes, { dkimSelector: null, dkimPrivateKey: null });
    if (body.dkim) {
      if (!(await isUsablePrivateKey(body.dkim.privateKeyPem))) {
        throw new ApiError("BAD_REQUEST", "The DKIM key is not an RSA private key in PKCS#8 PEM.", [{ path: "dkim.privateKeyPem", message: "not a usable RSA PKCS#8 key" }]);
      }
      const keys = await c.get("services").keys.sealing();
      if (!keys) throw new ApiError("INTERNAL_SERVER_ERROR", "This deployment has no SECRETS_KEY, so it cannot store a DKIM key.");
      Object.assign(changes, { dkimSelector: body.dkim.selector, dkimPrivateKey: await seal(keys, body.dkim.privateKeyPem) });
    }
    // An empty PATCH changes nothing, so it leaves nothing to audit either.
    if (Object.keys(changes).length > 0) {
      await db
        .update(organizations)
        .set({ ...changes, updatedAt: new Date() })
        .where(eq(organizations.id, id));
      await recordApiChange(db, caller, { action: "organization.update", targetType: "organization", targetId: id, details: auditedChange(body) });
    }
    return c.json(await view(db, id), 200);
  });
};
