import { describe, expect, it } from "vitest";
import { contrastRatio, pageColours, parsePageBranding } from "../../src/recipient-pages/branding";
import { categoryLabel, pageStrings } from "../../src/recipient-pages/strings";

describe("page colours from a brand colour", () => {
  it.each(["#2563eb", "#ffeb3b", "#ffffff", "#000000", "#0f766e", "#f472b6", "#888", "#7c3aed"])("keep text and buttons at 4.5:1 or more for %s", (brand) => {
    const c = pageColours(brand);
    expect(contrastRatio(c.accent, "#ffffff")).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(c.buttonText, c.button)).toBeGreaterThanOrEqual(4.5);
  });

  it("keeps a brand colour that already reads on white as it is", () => {
    expect(pageColours("#0f766e")).toEqual({ accent: "#0f766e", button: "#0f766e", buttonText: "#ffffff" });
  });
});

describe("page branding and strings", () => {
  it("drops a bad branding value on its own and keeps the rest", () => {
    expect(parsePageBranding({ primaryColor: "red; } body { display:none", logoUrl: "javascript:alert(1)", unsubscribeMailto: "optout@acme.test" })).toEqual({
      primaryColor: "#2563eb",
      logoUrl: null,
      unsubscribeMailto: "optout@acme.test",
    });
  });

  it("falls back to English for a language neither we nor the organisation have, and takes organisation-only languages", () => {
    expect(pageStrings("ja-JP", undefined).language).toBe("en");
    const fr = pageStrings("fr", { fr: { save: "Enregistrer" } });
    expect([fr.language, fr.save, fr.preferencesTitle]).toEqual(["fr", "Enregistrer", "Email preferences"]);
  });

  it("labels a category called constructor by its name, not by Object's prototype", () => {
    expect(categoryLabel(pageStrings("en", undefined), "constructor")).toBe("Constructor");
  });

  it("ignores override keys that are not page strings", () => {
    const strings = pageStrings("en", { en: { toString: "x", save: "Keep" } });
    expect(strings.save).toBe("Keep");
    expect(Object.hasOwn(strings, "toString")).toBe(false);
    expect(Object.keys(pageStrings("en", { en: { bogus: "x" } }))).not.toContain("bogus");
  });
});
