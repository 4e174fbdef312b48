import type { TemplatePart } from "../../../../render/types";
import type { EditorFields } from "../../templates/form";

/** A validation issue (publish's checks, the preview) or a problem with the preview's data, which has no part. */
export type ShownIssue = { message: string; part?: TemplatePart | undefined; line?: number | undefined; column?: number | undefined; locale?: string | undefined };

/** The source of `part` in `locale` (the default one when absent or equal), as the editor holds it. */
function sourceOf(fields: EditorFields, part: TemplatePart | undefined, locale: string | undefined): string | undefined {
  if (!part) return undefined;
  const variant = !locale || locale === fields.defaultLocale ? fields : fields.locales.find((l) => l.tag === locale);
  return variant?.[part];
}

const where = (i: ShownIssue) => [i.locale, i.part, i.line !== undefined ? `line ${i.line}, column ${i.column ?? 0}` : undefined].filter(Boolean).join(" · ");

/**
 * Validation issues, each with where it is (locale, part, line and column) and, when the parser
 * gave a line, that line of the source with a caret under the column.
 */
export function IssueList({ id, title, issues, fields }: { id: string; title: string; issues: ShownIssue[]; fields: EditorFields }) {
  return (
    <div class="error" role="alert" aria-labelledby={id}>
      <p id={id}>
        <strong>{title}</strong>
      </p>
      <ul class="issues">
        {issues.map((i) => {
          const line = i.line !== undefined && i.line > 0 ? sourceOf(fields, i.part, i.locale)?.split("\n")[i.line - 1] : undefined;
          return (
            <li>
              <span class="where">{where(i)}</span>: {i.message}
              {line !== undefined ? <pre class="source">{`${i.line} | ${line}\n${" ".repeat(String(i.line).length + 3 + Math.max(0, (i.column ?? 1) - 1))}^`}</pre> : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
