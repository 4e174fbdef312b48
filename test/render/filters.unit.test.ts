import { describe, expect, it } from "vitest";
import { renderExpression } from "../fixtures/render";

// Each row is the example in docs/templates.md: expression, reader, expected subject line.
// The reference "now" for relative_time is 2026-03-10T12:00:00Z (test/render/fixtures.ts).
type Row = [expression: string, reader: { locale?: string; timezone?: string }, expected: string];

const US_NY = { locale: "en-US", timezone: "America/New_York" };
const DE = { locale: "de-DE", timezone: "Europe/Berlin" };

const EXAMPLES: Record<string, Row[]> = {
  local_date: [
    ['{{ "2026-03-10T23:30:00Z" | local_date }}', US_NY, "Mar 10, 2026"],
    ['{{ "2026-03-10T23:30:00Z" | local_date }}', { locale: "en-US", timezone: "Asia/Tokyo" }, "Mar 11, 2026"],
    ['{{ "2026-03-10T23:30:00Z" | local_date: "long" }}', DE, "11. März 2026"],
    ["{{ 1773185400 | local_date: 'full' }}", US_NY, "Tuesday, March 10, 2026"],
  ],
  local_time: [
    ['{{ "2026-03-10T23:30:00Z" | local_time }}', US_NY, "7:30 PM"],
    ['{{ "2026-03-10T23:30:00Z" | local_time }}', DE, "00:30"],
  ],
  local_datetime: [['{{ "2026-03-10T23:30:00Z" | local_datetime: "medium", "short" }}', US_NY, "Mar 10, 2026, 7:30 PM"]],
  relative_time: [
    ['{{ "2026-03-12T12:00:00Z" | relative_time }}', {}, "in 2 days"],
    ['{{ "2026-03-11T12:00:00Z" | relative_time }}', {}, "tomorrow"],
    ['{{ "2026-03-10T11:00:00Z" | relative_time }}', {}, "1 hour ago"],
    ['{{ "2026-03-13T12:00:00Z" | relative_time }}', { locale: "pt-BR" }, "em 3 dias"],
    ['{{ "2026-03-12T12:00:00Z" | relative_time }}', { locale: "pt-BR" }, "depois de amanhã"],
  ],
  currency: [
    ['{{ 1234.5 | currency: "EUR" }}', {}, "€1,234.50"],
    ['{{ 1234.5 | currency: "EUR" }}', DE, "1.234,50 €"],
    ['{{ 99 | currency: "JPY" }}', {}, "¥99"],
  ],
  number: [
    ["{{ 1234567.891 | number }}", {}, "1,234,567.891"],
    ["{{ 1234567.891 | number: 1 }}", {}, "1,234,567.9"],
    ["{{ 1234567.891 | number }}", DE, "1.234.567,891"],
  ],
  pluralize: [
    ['{{ 1 | pluralize: "task", "tasks" }}', {}, "1 task"],
    ['{{ 3 | pluralize: "task", "tasks" }}', {}, "3 tasks"],
    ['{{ 1200 | pluralize: "task", "tasks" }}', {}, "1,200 tasks"],
    ['{{ 0 | pluralize: "tâche", "tâches" }}', { locale: "fr-FR" }, "0 tâche"],
  ],
  truncate: [
    ['{{ "Ship the quarterly report" | truncate: 12 }}', {}, "Ship the qu…"],
    ['{{ "Ship the quarterly report" | truncate: 12, "..." }}', {}, "Ship the..."],
    ['{{ "🎉🎉🎉🎉" | truncate: 3 }}', {}, "🎉🎉…"],
    ['{{ "Short" | truncate: 12 }}', {}, "Short"],
  ],
  default: [
    ['{{ data.name | default: "there" }}', {}, "there"],
    ['{{ data.empty | default: "there" }}', {}, "there"],
    ['{{ data.given | default: "there" }}', {}, "Ada"],
  ],
  safe_url: [
    ['{{ "javascript:alert(1)" | safe_url }}', {}, "#"],
    ['{{ "https://app.test/t/1" | safe_url }}', {}, "https://app.test/t/1"],
  ],
};

describe.each(Object.entries(EXAMPLES))("the %s filter", (_, rows) => {
  it.each(rows)("renders %s for %j as %s", async (expression, reader, expected) => {
    // Intl separates some parts with no-break spaces; the subject line folds them into plain spaces.
    expect(await renderExpression(expression, reader, { empty: "", given: "Ada" })).toBe(expected);
  });
});

describe("filters given odd data", () => {
  it("leave a value they cannot read as it is rather than failing the email", async () => {
    expect(await renderExpression('{{ "not a date" | local_date }} / {{ "n/a" | currency: "EUR" }} / {{ 5 | currency: "NOPE" }}')).toBe("not a date / n/a / 5 NOPE");
  });

  it("fall back to UTC for an unknown time zone", async () => {
    expect(await renderExpression('{{ "2026-03-10T23:30:00Z" | local_time }}', { locale: "en-GB", timezone: "Mars/Olympus" })).toBe("23:30");
  });
});
