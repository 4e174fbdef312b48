import { type EditorFields, type LocaleFields, MAX_LOCALES } from "../../templates/form";

const SUBJECT_HINT = "Liquid, one line: {{ data.task }} is the event's data.";

function Field({ id, name, label, hint, value, rows }: { id: string; name: string; label: string; hint?: string; value: string; rows?: number }) {
  const hintId = `${id}-hint`;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {hint ? (
        <p class="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {rows ? (
        <textarea id={id} name={name} rows={rows} spellcheck={false} aria-describedby={hint ? hintId : undefined}>
          {/* The parser drops one newline right after <textarea>: this one, not the source's own. */}
          {`\n${value}`}
        </textarea>
      ) : (
        <input type="text" class="code" id={id} name={name} value={value} spellcheck={false} aria-describedby={hint ? hintId : undefined} />
      )}
    </div>
  );
}

function LocaleSlot({ index, locale }: { index: number; locale: LocaleFields | undefined }) {
  const p = `l${index}`;
  const tag = locale?.tag;
  return (
    <fieldset>
      <legend>{tag ? `Translation: ${tag}` : "Add a translation"}</legend>
      <Field
        id={`${p}-tag`}
        name={`${p}.tag`}
        label={tag ? `Locale tag (${tag})` : "Locale tag (new translation)"}
        hint={tag ? "Empty every field of this translation to remove it." : "A BCP 47 tag such as de or pt-BR; leave empty to add none."}
        value={tag ?? ""}
      />
      <Field id={`${p}-subject`} name={`${p}.subject`} label={`Subject (${tag ?? "new locale"})`} value={locale?.subject ?? ""} />
      <Field id={`${p}-html`} name={`${p}.html`} label={`HTML (${tag ?? "new locale"})`} value={locale?.html ?? ""} rows={8} />
      <Field id={`${p}-text`} name={`${p}.text`} label={`Text (${tag ?? "new locale"})`} hint="Optional: generated from the HTML when empty." value={locale?.text ?? ""} rows={4} />
    </fieldset>
  );
}

/** The editor for editors and admins: saving adds a draft version, the published one stays in use. */
export function EditorForm({ templateId, csrf, fields }: { templateId: string; csrf: string; fields: EditorFields }) {
  const slots = Math.min(MAX_LOCALES, fields.locales.length + 1);
  return (
    <form method="post" action={`/dashboard/templates/${templateId}`} aria-labelledby="editor-title">
      <input type="hidden" name="csrf" value={csrf} />
      <fieldset>
        <legend>Default locale</legend>
        <Field id="defaultLocale" name="defaultLocale" label="Default locale" hint="Recipients without a matching translation get this one." value={fields.defaultLocale} />
        <Field id="subject" name="subject" label="Subject" hint={SUBJECT_HINT} value={fields.subject} />
        <Field id="html" name="html" label="HTML" hint="Liquid inside the organisation's branding layout; event data is escaped." value={fields.html} rows={14} />
        <Field id="text" name="text" label="Text" hint="Optional: generated from the HTML when empty." value={fields.text} rows={6} />
      </fieldset>
      {Array.from({ length: slots }, (_, i) => (
        <LocaleSlot index={i} locale={fields.locales[i]} />
      ))}
      <Field
        id="requiredVariables"
        name="requiredVariables"
        label="Required variables"
        hint="Paths into the event data that must exist, separated by commas, e.g. task.title."
        value={fields.requiredVariables}
      />
      <Field id="sampleData" name="sampleData" label="Sample data (JSON)" hint="Used by the preview and by publish's checks." value={fields.sampleData} rows={8} />
      <div class="actions">
        <button type="submit">Save draft</button>
      </div>
    </form>
  );
}

/** What a viewer sees instead of the editor: the same sources, read only. */
export function SourceView({ fields }: { fields: EditorFields }) {
  const variants = [{ tag: fields.defaultLocale, subject: fields.subject, html: fields.html, text: fields.text }, ...fields.locales];
  return (
    <>
      {variants.map((v) => (
        <section aria-label={`Source: ${v.tag}`}>
          <h3>{v.tag}</h3>
          <p class="hint">Subject</p>
          <pre class="source">{v.subject}</pre>
          <p class="hint">HTML</p>
          <pre class="source">{v.html}</pre>
          <p class="hint">Text</p>
          <pre class="source">{v.text || "(generated from the HTML)"}</pre>
        </section>
      ))}
      <p class="hint">Sample data</p>
      <pre class="source">{fields.sampleData}</pre>
    </>
  );
}
