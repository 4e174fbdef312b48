import { describe, expect, it } from "vitest";
import { statement } from "../../src/platform/db/statement";

const byOneSite = (a: string, b: number | null) => statement`SELECT ${a}::text AS a, ${b}::int AS b WHERE ${a} <> ''`;

describe("a statement written as a tagged template", () => {
  it("numbers its values in order and binds them as given", () => {
    expect(byOneSite("x", 2)).toEqual({ text: "SELECT $1::text AS a, $2::int AS b WHERE $3 <> ''", values: ["x", 2, "x"] });
  });

  it("keeps one text per call site, whatever the values, and another site gets its own", () => {
    const first = byOneSite("x", 1);
    const second = byOneSite("y; DROP TABLE events", null);
    expect(second.text).toBe(first.text);
    expect(second.values).toEqual(["y; DROP TABLE events", null, "y; DROP TABLE events"]);
    expect(statement`SELECT ${1}`.text).toBe("SELECT $1");
  });
});
