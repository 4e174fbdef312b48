import type { Context } from "hono";
import type { App, HonoEnv } from "../../../context";
import { addDomainAudited, DOMAIN_ADMINS, verifyDomainAudited } from "../../sender-domains/audited";
import { recordsToPublish } from "../../sender-domains/records";
import { listSenderDomains, providersInUse } from "../../sender-domains/store";
import { DomainsPage, type DomainsPageProps } from "../views/domains";
import { actionCsrf, field, mayAct, readAction } from "./actions";
import { CreateDomainForm, firstIssue, IdParam } from "./ops-schema";
import { requireSession } from "./session";

type Ctx = Context<HonoEnv>;
type Status = 200 | 201 | 400 | 404 | 409 | 500 | 503;
const STATUS = { CONFLICT: 409, NOT_FOUND: 404, SERVICE_UNAVAILABLE: 503, INTERNAL_SERVER_ERROR: 500 } as const;

async function renderDomains(c: Ctx, extra: Pick<DomainsPageProps, "notice" | "error" | "input"> = {}, status: Status = 200) {
  const session = c.get("dashboard");
  const services = c.get("services");
  const [domains, providers] = await Promise.all([listSenderDomains(services.db, session.organization.id), providersInUse(services, session.organization.id)]);
  const entries = domains.map((d) => ({ domain: d, records: recordsToPublish(d.domain, { selector: d.dkimSelector, publicKey: d.dkimPublicKey }, providers) }));
  const csrf = mayAct(session.role, DOMAIN_ADMINS) ? await actionCsrf(c) : undefined;
  const page = <DomainsPage nonce={c.get("cspNonce")} session={session.shell} domains={entries} {...(csrf ? { csrf } : {})} {...extra} />;
  return c.html(`<!doctype html>${await page.toString()}`, status);
}

/** `/dashboard/domains`: GET /v1/domains as a page, with add and verify for admins. */
export const registerDomains = (app: App) => {
  app.get("/dashboard/domains", requireSession(), (c) => renderDomains(c));

  app.post("/dashboard/domains", requireSession(), async (c) => {
    const action = await readAction(c, DOMAIN_ADMINS, "domains");
    if (action instanceof Response) return action;
    const input = field(action.form, "domain") ?? "";
    const form = CreateDomainForm.safeParse({ domain: input.trim() });
    if (!form.success) return renderDomains(c, { error: `Not added: ${firstIssue(form.error)}.`, input }, 400);
    const created = await addDomainAudited(c.get("services"), action.caller, form.data.domain);
    if (!created.ok) return renderDomains(c, { error: `Not added: ${created.error.message}`, input }, STATUS[created.error.code]);
    return renderDomains(c, { notice: `Added ${created.value.domain}: publish its records below, then verify.` }, 201);
  });

  app.post("/dashboard/domains/:id/verify", requireSession(), async (c) => {
    const action = await readAction(c, DOMAIN_ADMINS, "domains");
    if (action instanceof Response) return action;
    const id = IdParam.safeParse(c.req.param());
    if (!id.success) return renderDomains(c, { error: "Not verified: no such domain." }, 404);
    const verified = await verifyDomainAudited(c.get("services"), action.caller, id.data.id);
    if (!verified.ok) return renderDomains(c, { error: `Not verified: ${verified.error.message}` }, STATUS[verified.error.code]);
    const d = verified.value.domain;
    return renderDomains(c, { notice: `Checked ${d.domain}: ${d.status}.` });
  });
};
