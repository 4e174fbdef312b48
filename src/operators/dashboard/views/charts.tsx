import { labelledDays, niceCeiling, shortDay, yFor } from "../analytics/series";

/**
 * Server-drawn SVG charts: no script, no image request (the CSP allows none), readable as a whole
 * by a screen reader through role="img" with a title and a description; the numbers themselves
 * are in the table each chart sits above. Colours are presentation attributes, which the CSP
 * allows, unlike style attributes.
 */
// Drawn at about the width they are shown (one column of a phone, a third of a desktop card), so
// their text stays near the page's small print instead of scaling up or down several times.
const W = 320;
const H = 160;
const LEFT = 42;
const RIGHT = 6;
const TOP = 8;
const BOTTOM = 22;
const FONT = "10";
const PLOT_W = W - LEFT - RIGHT;
const PLOT_H = H - TOP - BOTTOM;

export const SERIES_COLOURS = ["#2563eb", "#b45309"] as const;
export const THRESHOLD_COLOUR = "#991b1b";
const GRID = "#e5e7eb";
const INK = "#374151";

type Frame = { id: string; title: string; desc: string };

function Svg({ id, title, desc, height, children }: Frame & { height: number; children?: unknown }) {
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${height}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} id={id} preserveAspectRatio="xMinYMin meet">
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{desc}</desc>
      {children}
    </svg>
  );
}

/** Horizontal grid lines and their labels at 0, half and the top of the axis. */
function ValueAxis({ top, format }: { top: number; format: (v: number) => string }) {
  const ticks = [0, top / 2, top];
  return (
    <g>
      {ticks.map((t) => {
        const y = TOP + yFor(t, top, PLOT_H);
        return (
          <>
            <line x1={LEFT} x2={W - RIGHT} y1={y} y2={y} stroke={GRID} stroke-width="1" />
            <text x={LEFT - 6} y={y + 4} text-anchor="end" font-size={FONT} fill={INK}>
              {format(t)}
            </text>
          </>
        );
      })}
    </g>
  );
}

function DayAxis({ days }: { days: readonly string[] }) {
  const slot = PLOT_W / Math.max(days.length, 1);
  return (
    <g>
      {labelledDays(days.length).map((i) => (
        <text x={LEFT + slot * (i + 0.5)} y={H - 8} text-anchor="middle" font-size={FONT} fill={INK}>
          {shortDay(days[i] ?? "")}
        </text>
      ))}
    </g>
  );
}

const countFormat = (v: number) => (Number.isInteger(v) ? String(v) : "");

/** One counter per day as bars. */
export function DayBars({ id, title, desc, days, values }: Frame & { days: readonly string[]; values: readonly number[] }) {
  const top = niceCeiling(Math.max(0, ...values));
  const slot = PLOT_W / Math.max(days.length, 1);
  const width = Math.max(0.5, slot * 0.7);
  return (
    <Svg id={id} title={title} desc={desc} height={H}>
      <ValueAxis top={top} format={countFormat} />
      <g>
        {values.map((v, i) => {
          const y = TOP + yFor(v, top, PLOT_H);
          return (
            <rect x={LEFT + slot * i + (slot - width) / 2} y={y} width={width} height={TOP + PLOT_H - y} fill={SERIES_COLOURS[0]} data-day={days[i]} data-value={v}>
              <title>{`${days[i]}: ${v}`}</title>
            </rect>
          );
        })}
      </g>
      <DayAxis days={days} />
    </Svg>
  );
}

export type Line = { name: string; values: readonly (number | null)[] };

/** The path through a series' points, broken where a day has no value. */
export function linePath(values: readonly (number | null)[], top: number): string {
  const slot = PLOT_W / Math.max(values.length, 1);
  let path = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    const x = (LEFT + slot * (i + 0.5)).toFixed(1);
    const y = (TOP + yFor(v, top, PLOT_H)).toFixed(1);
    path += `${pen ? "L" : "M"}${x} ${y} `;
    pen = true;
  });
  return path.trim();
}

/** Series per day as lines with a dot per value, and optionally a threshold as a dashed line. */
export function DayLines({
  id,
  title,
  desc,
  days,
  lines,
  format,
  threshold,
}: Frame & { days: readonly string[]; lines: readonly Line[]; format: (v: number) => string; threshold?: number }) {
  const values = lines.flatMap((l) => l.values.filter((v): v is number => v !== null));
  const top = niceCeiling(Math.max(0, ...values, (threshold ?? 0) * 1.25), threshold ? threshold * 1.25 : 1);
  const slot = PLOT_W / Math.max(days.length, 1);
  return (
    <Svg id={id} title={title} desc={desc} height={H}>
      <ValueAxis top={top} format={format} />
      {threshold !== undefined ? (
        <line
          x1={LEFT}
          x2={W - RIGHT}
          y1={TOP + yFor(threshold, top, PLOT_H)}
          y2={TOP + yFor(threshold, top, PLOT_H)}
          stroke={THRESHOLD_COLOUR}
          stroke-width="2"
          stroke-dasharray="6 4"
        />
      ) : null}
      {lines.map((line, n) => (
        <g>
          <path d={linePath(line.values, top)} fill="none" stroke={SERIES_COLOURS[n % 2]} stroke-width="1.5" stroke-dasharray={n === 1 ? "4 3" : undefined} />
          {line.values.map((v, i) =>
            v === null ? null : (
              <circle cx={LEFT + slot * (i + 0.5)} cy={TOP + yFor(v, top, PLOT_H)} r="2.5" fill={SERIES_COLOURS[n % 2]} data-day={days[i]} data-value={v}>
                <title>{`${days[i]} ${line.name}: ${format(v)}`}</title>
              </circle>
            ),
          )}
        </g>
      ))}
      <DayAxis days={days} />
    </Svg>
  );
}

const ROW = 24;
const LABEL_W = 110;

/** One value per named group (a provider, an event type) as horizontal bars. */
export function GroupBars({ id, title, desc, bars }: Frame & { bars: readonly { label: string; value: number }[] }) {
  const top = niceCeiling(Math.max(0, ...bars.map((b) => b.value)));
  const height = TOP + ROW * Math.max(bars.length, 1) + 6;
  const plot = W - LABEL_W - RIGHT - 36;
  return (
    <Svg id={id} title={title} desc={desc} height={height}>
      {bars.map((b, i) => {
        const y = TOP + ROW * i;
        const width = (b.value / top) * plot;
        return (
          <g>
            <text x={LABEL_W - 6} y={y + 15} text-anchor="end" font-size={FONT} fill={INK}>
              {b.label.length > 20 ? `${b.label.slice(0, 19)}…` : b.label}
            </text>
            <rect x={LABEL_W} y={y + 5} width={Math.max(width, b.value > 0 ? 2 : 0)} height={ROW - 10} fill={SERIES_COLOURS[0]} data-group={b.label} data-value={b.value}>
              <title>{`${b.label}: ${b.value}`}</title>
            </rect>
            <text x={LABEL_W + width + 4} y={y + 15} font-size={FONT} fill={INK}>
              {String(b.value)}
            </text>
          </g>
        );
      })}
    </Svg>
  );
}
