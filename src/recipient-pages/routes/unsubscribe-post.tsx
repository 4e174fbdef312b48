import type { App } from "../../context";
import { ApiError } from "../../platform/errors";
import { unsubscribeRecipient } from "../actions";
import { UnsubscribedPage } from "../views/unsubscribe";
import { readForm } from "../../platform/http/form";
import { invalidLinkError, preferencesPath, renderPage, verifyPage } from "./shared";

/**
 * `POST /u/:token`, RFC 8058 one-click: no cookie, login or CSRF token (the signed URL is the
 * authority), always 200 and never a redirect. The page's own button posts the same field, so
 * a body without `List-Unsubscribe=One-Click` is refused whoever sends it: one contract, and a
 * stray POST cannot unsubscribe anyone.
 */
export const registerUnsubscribePost = (app: App) =>
  app.post("/u/:token", async (c) => {
    const page = await verifyPage(c, c.req.param("token"));
    if (!page) return invalidLinkError();
    const form = await readForm(c);
    if (form["List-Unsubscribe"] !== "One-Click") {
      throw new ApiError("BAD_REQUEST", "Send List-Unsubscribe=One-Click as application/x-www-form-urlencoded or multipart/form-data (RFC 8058).", [
        { path: "List-Unsubscribe", message: "must be One-Click" },
      ]);
    }
    const via = form.via === "page" ? "unsubscribe-page" : "one-click";
    const outcome = await unsubscribeRecipient(c.get("services"), page.subject, { ...(page.claims.category ? { category: page.claims.category } : {}), via });
    return renderPage(
      c,
      <UnsubscribedPage strings={page.strings} nonce={c.get("cspNonce")} subject={page.subject} preferencesUrl={await preferencesPath(page)} outcome={outcome} />,
    );
  });
