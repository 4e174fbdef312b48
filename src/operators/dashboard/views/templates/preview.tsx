import type { Preview } from "../../../../render/validate-template";
import type { EditorFields } from "../../templates/form";
import { IssueList, type ShownIssue } from "./issues";

/** What the preview shows: the rendered email, or why there is none. */
export type PreviewOutcome = { ok: true; preview: Preview; frameQuery: string } | { ok: false; issues: ShownIssue[] };

type Props = {
  templateId: string;
  version: number;
  fields: EditorFields;
  locale: string;
  /** The sample data as typed into the preview form. */
  data: string;
  outcome: PreviewOutcome;
};

/**
 * A GET form (it changes nothing, so viewers have it too) choosing the locale and the data, then
 * the email at a desktop width and at 375 px side by side, and its text part. The frames load the
 * HTML from the Worker's frame route, which has a CSP of its own: a srcdoc frame would inherit
 * this page's, which refuses the email's styles.
 */
export function PreviewSection({ templateId, version, fields, locale, data, outcome }: Props) {
  const locales = [fields.defaultLocale, ...fields.locales.map((l) => l.tag)];
  const frame = (query: string) => `/dashboard/templates/${templateId}/versions/${version}/frame${query}`;
  return (
    <section class="card" aria-labelledby="preview-title">
      <h2 id="preview-title">{`Preview of v${version}`}</h2>
      <form method="get" action={`/dashboard/templates/${templateId}`} aria-label="Preview data">
        <input type="hidden" name="v" value={String(version)} />
        <div class="field">
          <label for="preview-locale">Locale</label>
          <select id="preview-locale" name="locale">
            {locales.map((l) => (
              <option value={l} selected={l === locale}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="preview-data">Data (JSON)</label>
          <p class="hint" id="preview-data-hint">
            The event data the preview renders with; nothing is saved.
          </p>
          <textarea id="preview-data" name="data" rows={6} spellcheck={false} aria-describedby="preview-data-hint">
            {`\n${data}`}
          </textarea>
        </div>
        <div class="actions">
          <button type="submit" class="secondary">
            Preview
          </button>
        </div>
      </form>
      {outcome.ok ? (
        <>
          <p>
            <strong>Subject:</strong> <span class="preview-subject">{outcome.preview.subject}</span>
          </p>
          <div class="frames">
            {/* biome-ignore lint/a11y/useSemanticElements: a frame wider than a phone scrolls in a focusable named region, as the tables do. */}
            <div class="frame-box" role="region" aria-labelledby="frame-desktop-title" tabindex={0}>
              <h3 id="frame-desktop-title">Desktop (640 px)</h3>
              <iframe class="preview desktop" title="Preview at a desktop width" src={frame(outcome.frameQuery)} />
            </div>
            {/* biome-ignore lint/a11y/useSemanticElements: a frame wider than a phone scrolls in a focusable named region, as the tables do. */}
            <div class="frame-box" role="region" aria-labelledby="frame-phone-title" tabindex={0}>
              <h3 id="frame-phone-title">Phone (375 px)</h3>
              <iframe class="preview phone" title="Preview at 375 px" src={frame(outcome.frameQuery)} />
            </div>
          </div>
          <h3>Text part</h3>
          <pre class="text-part">{outcome.preview.text}</pre>
        </>
      ) : (
        <IssueList id="preview-issues" title="This version does not render:" issues={outcome.issues} fields={fields} />
      )}
    </section>
  );
}
