import type { App } from "../../context";
import { ApiError, fieldErrors } from "../../platform/errors";
import { applyPreferenceChanges } from "../actions";
import { verifyCsrfToken } from "../../platform/http/csrf";
import { diffPreferenceForm, PreferenceForm } from "../form";
import { loadPageCategories } from "../load";
import { describeChange, SavedPage } from "../views/preference-centre";
import { MessagePage } from "../views/unsubscribe";
import { readForm } from "../../platform/http/form";
import { refuse } from "../../platform/http/page-refusal";
import { invalidLinkError, renderPage, verifyPage } from "./shared";

/**
 * `POST /p/:token`: saves the preference form. The CSRF token must be one this page's own token
 * was given within the last day; a stale form gets a page saying nothing changed, and a link back.
 */
export const registerPreferencesPost = (app: App) =>
  app.post("/p/:token", async (c) => {
    const token = c.req.param("token");
    const page = await verifyPage(c, token);
    if (!page) return invalidLinkError();
    const parsed = PreferenceForm.safeParse(await readForm(c));
    if (!parsed.success) throw new ApiError("BAD_REQUEST", "The form is not valid; see fields.", fieldErrors(parsed.error));
    const nonce = c.get("cspNonce");
    const path = `/p/${token}`;
    if (await verifyCsrfToken(page.keys, token, parsed.data.csrf)) {
      const { strings } = page;
      return refuse(c, "FORBIDDEN", "This form expired or came from another page: nothing was changed. Open the preference centre again.", (status) =>
        renderPage(
          c,
          <MessagePage
            strings={strings}
            nonce={nonce}
            organization={page.subject.organization}
            title={strings.expiredTitle}
            body={strings.expiredBody}
            link={{ href: path, text: strings.reopen }}
          />,
          status,
        ),
      );
    }
    const services = c.get("services");
    const categories = await loadPageCategories(services.db, page.claims.organizationId, page.claims.recipientId);
    const { recipient } = page.subject;
    const diff = diffPreferenceForm(parsed.data, categories, { unsubscribedAll: recipient.unsubscribedAt !== null, textOnly: recipient.textOnly });
    if (diff.changes.length) {
      const summary = diff.changes.map((change) => ({ ...change, text: describeChange(page.strings, change) }));
      await applyPreferenceChanges(services, page.subject, { patches: diff.patches, recipient: { unsubscribedAll: diff.unsubscribedAll, textOnly: diff.textOnly }, summary });
    }
    return renderPage(c, <SavedPage strings={page.strings} nonce={nonce} subject={page.subject} changes={diff.changes} preferencesUrl={path} />);
  });
