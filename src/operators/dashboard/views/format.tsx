import type { Child } from "hono/jsx";

/** Times in UTC, labelled as such: operators compare them with logs and provider consoles, which use UTC. */
export function Time({ at }: { at: Date | null }) {
  if (!at) return <span>—</span>;
  const iso = at.toISOString();
  return <time datetime={iso}>{`${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`}</time>;
}

export const percent = (rate: number) => `${(rate * 100).toFixed(2)} %`;

export const orDash = (value: string | number | null | undefined) => (value === null || value === undefined || value === "" ? "—" : String(value));

export const latency = (ms: number | null | undefined) => (ms === null || ms === undefined ? "—" : `${ms} ms`);

/** Stored JSON (audit details, event detail) shown as text; JSX escapes it. */
export const compactJson = (value: Record<string, unknown>) => (Object.keys(value).length === 0 ? "—" : JSON.stringify(value));

/**
 * A table in a region of its own that scrolls sideways at phone widths. Focusable and named after
 * its heading, so keyboard users can scroll it too. The note sits outside the scrolling part (a
 * caption would scroll out of view with the columns) and describes the region.
 */
export function TableRegion({ labelledBy, note, children }: { labelledBy: string; note?: string; children?: Child }) {
  const noteId = `${labelledBy}-note`;
  return (
    <>
      {note ? (
        <p class="note" id={noteId}>
          {note}
        </p>
      ) : null}
      {/* biome-ignore lint/a11y/useSemanticElements: a scrolling table needs a focusable named region; a section adds a second landmark without the focus stop. */}
      <div class="table-wrap" role="region" aria-labelledby={labelledBy} aria-describedby={note ? noteId : undefined} tabindex={0}>
        {children}
      </div>
    </>
  );
}
