import type { DiffLine } from "../../templates/line-diff";
import { DashboardShell, type ShellSession } from "../layout";

/** One part of one locale compared: absent lines mean both versions have the same source. */
export type PartDiff = { locale: string; part: string; lines: DiffLine[] | null };

type Props = { nonce: string; session: ShellSession; templateId: string; templateKey: string; version: number; published: number; diffs: PartDiff[] };

const SIGN = { same: " ", added: "+", removed: "−" } as const;
const SPOKEN = { same: "unchanged", added: "added", removed: "removed" } as const;

/** Version `version` against the published one, part by part, line by line. */
export function VersionDiffPage({ nonce, session, templateId, templateKey, version, published, diffs }: Props) {
  const title = `v${version} against published v${published}`;
  return (
    <DashboardShell title={`Template ${templateKey}: ${title}`} nonce={nonce} session={session} current="templates">
      <h1>{`Template ${templateKey}`}</h1>
      <section class="card" aria-labelledby="diff-title">
        <h2 id="diff-title">{title}</h2>
        <p class="note">
          Lines marked + are only in v{version}, lines marked − only in the published v{published}.
        </p>
        <p>
          <a href={`/dashboard/templates/${templateId}?v=${version}`}>{`Open v${version}`}</a>
        </p>
        {diffs.map((d, i) => (
          <section aria-labelledby={`diff-${i}`}>
            <h3 id={`diff-${i}`}>{`${d.locale} · ${d.part}`}</h3>
            {d.lines === null ? (
              <p class="muted">No change.</p>
            ) : (
              // biome-ignore lint/a11y/useSemanticElements: a wide diff scrolls in a focusable named region, as the tables do.
              <div class="table-wrap" role="region" aria-labelledby={`diff-${i}`} tabindex={0}>
                <table class="diff">
                  <tbody>
                    {d.lines.map((l) => (
                      <tr class={l.kind}>
                        <td class="sign">
                          <span aria-hidden="true">{SIGN[l.kind]}</span>
                          <span class="visually-hidden">{SPOKEN[l.kind]}</span>
                        </td>
                        <td>{l.text}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        ))}
      </section>
    </DashboardShell>
  );
}
