import type { Context } from "hono";
import type { App, HonoEnv } from "../../../context";
import { apiKeyRoles } from "../../../platform/db/schema";
import { zonedTimeToUtc } from "../../../platform/time/zoned";
import { checkExpiry, createApiKey, KEY_MANAGERS, listApiKeys, revokeApiKey, rotateApiKey } from "../../api-key-store";
import { KeysPage, type KeysPageProps } from "../views/keys";
import { actionCsrf, field, mayAct, readAction } from "./actions";
import { CreateKeyForm, firstIssue, IdParam, RotateKeyForm } from "./ops-schema";
import { requireSession } from "./session";

type Ctx = Context<HonoEnv>;
type Extra = Pick<KeysPageProps, "revealed" | "notice" | "error" | "name">;

/** The page as the signed-in key may see it; the list and forms only for a role the API lets manage keys. */
async function renderKeys(c: Ctx, extra: Extra = {}, status: 200 | 201 | 400 | 404 | 409 = 200) {
  const session = c.get("dashboard");
  const { db, clock } = c.get("services");
  const manage = mayAct(session.role, KEY_MANAGERS)
    ? { keys: await listApiKeys(db, session.organization.id), csrf: await actionCsrf(c), now: clock.now(), roles: apiKeyRoles, timeZone: session.organization.timeZone }
    : undefined;
  const page = <KeysPage nonce={c.get("cspNonce")} session={session.shell} {...(manage ? { manage } : {})} {...extra} />;
  return c.html(`<!doctype html>${await page.toString()}`, status);
}

/** The first instant after the chosen local day: the key works through that whole day. */
const endOfLocalDay = (day: string, timeZone: string) => {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(zonedTimeToUtc(y, m, d + 1, 0, timeZone));
};

const storeStatus = (code: string) => (code === "NOT_FOUND" ? 404 : 409);

/** `/dashboard/keys`: list, create (the key shown once), rotate and revoke, with the API's rules and audit rows. */
export const registerKeys = (app: App) => {
  app.get("/dashboard/keys", requireSession(), (c) => renderKeys(c));

  app.post("/dashboard/keys", requireSession(), async (c) => {
    const action = await readAction(c, KEY_MANAGERS, "keys");
    if (action instanceof Response) return action;
    const parsed = CreateKeyForm.safeParse(action.form);
    const name = field(action.form, "name") ?? "";
    if (!parsed.success) return renderKeys(c, { error: `Not created: ${firstIssue(parsed.error)}.`, name }, 400);
    const { db, clock } = c.get("services");
    const now = clock.now();
    const { expiresOn, ...input } = parsed.data;
    const expiresAt = checkExpiry(expiresOn ? endOfLocalDay(expiresOn, c.get("dashboard").organization.timeZone) : null, now);
    if (!expiresAt.ok) return renderKeys(c, { error: `Not created: the expiry ${expiresAt.error.message}.`, name }, 400);
    const made = await createApiKey(db, action.caller, { ...input, expiresAt: expiresAt.value });
    return renderKeys(c, { revealed: { name: made.entry.name, role: made.entry.role, key: made.key } }, 201);
  });

  app.post("/dashboard/keys/:id/rotate", requireSession(), async (c) => {
    const action = await readAction(c, KEY_MANAGERS, "keys");
    if (action instanceof Response) return action;
    const id = IdParam.safeParse(c.req.param());
    const form = RotateKeyForm.safeParse(action.form);
    if (!id.success || !form.success) return renderKeys(c, { error: "Not rotated: choose a grace period from the list." }, 400);
    const { db, clock } = c.get("services");
    const rotated = await rotateApiKey(db, action.caller, id.data.id, form.data.graceSeconds, clock.now());
    if (!rotated.ok) return renderKeys(c, { error: `Not rotated: ${rotated.error.message}` }, storeStatus(rotated.error.code));
    const { created, replaced } = rotated.value;
    return renderKeys(
      c,
      { revealed: { name: created.entry.name, role: created.entry.role, key: created.key, replaced: { prefix: replaced.prefix, expiresAt: replaced.expiresAt } } },
      201,
    );
  });

  app.post("/dashboard/keys/:id/revoke", requireSession(), async (c) => {
    const action = await readAction(c, KEY_MANAGERS, "keys");
    if (action instanceof Response) return action;
    const id = IdParam.safeParse(c.req.param());
    if (!id.success) return renderKeys(c, { error: "Not revoked: no such key." }, 404);
    const { db, clock } = c.get("services");
    const revoked = await revokeApiKey(db, action.caller, id.data.id, clock.now());
    if (!revoked.ok) return renderKeys(c, { error: `Not revoked: ${revoked.error.message}` }, storeStatus(revoked.error.code));
    const { entry } = revoked.value;
    // Revoking the session's own key ends the session: the next page is the sign-in page.
    if (entry.id === action.caller.apiKeyId) return c.redirect("/dashboard/login", 303);
    return renderKeys(c, { notice: `Revoked ${entry.name} (tid_${entry.prefix}): it is refused from now on.` });
  });
};
