import { describe, expect, it } from "vitest";
import { diffLines } from "../../../src/operators/dashboard/templates/line-diff";

const signs = (before: string, after: string) => diffLines(before, after).map((l) => `${{ same: " ", added: "+", removed: "-" }[l.kind]}${l.text}`);

describe("the template history's line diff", () => {
  it("marks a changed line as removed then added, keeping the lines around it", () => {
    expect(signs("a\nb\nc", "a\nB\nc")).toEqual([" a", "-b", "+B", " c"]);
  });

  it("keeps a moved block's common lines and marks only what was inserted or dropped", () => {
    expect(signs("head\none\ntwo\nthree\ntail", "head\ntwo\nthree\nfour\ntail")).toEqual([" head", "-one", " two", " three", "+four", " tail"]);
  });

  it("shows identical sources as unchanged lines and an empty source as nothing but additions", () => {
    expect(signs("x\ny", "x\ny")).toEqual([" x", " y"]);
    expect(signs("", "p\nq")).toEqual(["+p", "+q"]);
  });
});
