import type { App } from "../../context";
import { isCategoryLocked } from "../load";
import { UnsubscribePage } from "../views/unsubscribe";
import { invalidLinkPage, preferencesPath, renderPage, verifyPage } from "./shared";

/** `GET /u/:token`: asks, changes nothing. Mail scanners and link previews fetch these URLs. */
export const registerUnsubscribeGet = (app: App) =>
  app.get("/u/:token", async (c) => {
    const token = c.req.param("token");
    const page = await verifyPage(c, token);
    if (!page) return invalidLinkPage(c);
    const category = page.claims.category;
    const locked = category ? await isCategoryLocked(c.get("services").db, page.claims.organizationId, category) : false;
    return renderPage(
      c,
      <UnsubscribePage
        strings={page.strings}
        nonce={c.get("cspNonce")}
        subject={page.subject}
        preferencesUrl={await preferencesPath(page)}
        action={`/u/${token}`}
        locked={locked}
        {...(category ? { category } : {})}
      />,
    );
  });
