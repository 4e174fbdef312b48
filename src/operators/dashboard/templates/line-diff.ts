export type DiffLine = { kind: "same" | "added" | "removed"; text: string };

/** Above this many cells the middle is shown as removed-then-added: the table would cost too much CPU. */
const MAX_CELLS = 2_000_000;

/**
 * A line diff of `before` against `after`: common head and tail trimmed, then a longest common
 * subsequence over what is left. Template sources are a few hundred lines at most, so the quadratic
 * table is small; MAX_CELLS bounds the worst case.
 */
export function diffLines(before: string, after: string): DiffLine[] {
  // An empty part (no hand-written text) has no lines, not one empty line.
  const a = before === "" ? [] : before.split("\n");
  const b = after === "" ? [] : after.split("\n");
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const same = (lines: string[]): DiffLine[] => lines.map((text) => ({ kind: "same", text }));
  return [...same(a.slice(0, head)), ...diffMiddle(x, y), ...same(a.slice(a.length - tail))];
}

function diffMiddle(x: string[], y: string[]): DiffLine[] {
  const removed = (text: string): DiffLine => ({ kind: "removed", text });
  const added = (text: string): DiffLine => ({ kind: "added", text });
  if ((x.length + 1) * (y.length + 1) > MAX_CELLS) return [...x.map(removed), ...y.map(added)];
  const width = y.length + 1;
  // lcs[i * width + j]: the longest common subsequence of x[i..] and y[j..].
  const lcs = new Uint32Array((x.length + 1) * width);
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      lcs[i * width + j] = x[i] === y[j] ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1 : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const xi = x[i] ?? "";
    const yj = y[j] ?? "";
    if (xi === yj) {
      out.push({ kind: "same", text: xi });
      i++;
      j++;
    } else if ((lcs[(i + 1) * width + j] ?? 0) >= (lcs[i * width + j + 1] ?? 0)) {
      out.push(removed(xi));
      i++;
    } else {
      out.push(added(yj));
      j++;
    }
  }
  return [...out, ...x.slice(i).map(removed), ...y.slice(j).map(added)];
}
