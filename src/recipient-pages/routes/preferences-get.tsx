import type { App } from "../../context";
import { createCsrfToken } from "../../platform/http/csrf";
import { loadPageCategories } from "../load";
import { PreferenceCentre } from "../views/preference-centre";
import { invalidLinkPage, renderPage, verifyPage } from "./shared";

/** `GET /p/:token`: the preference centre, server-rendered, with a CSRF token bound to this page's token. */
export const registerPreferencesGet = (app: App) =>
  app.get("/p/:token", async (c) => {
    const token = c.req.param("token");
    const page = await verifyPage(c, token);
    if (!page) return invalidLinkPage(c);
    const categories = await loadPageCategories(c.get("services").db, page.claims.organizationId, page.claims.recipientId);
    return renderPage(
      c,
      <PreferenceCentre
        strings={page.strings}
        nonce={c.get("cspNonce")}
        subject={page.subject}
        categories={categories}
        csrf={await createCsrfToken(page.keys, token)}
        action={`/p/${token}`}
      />,
    );
  });
