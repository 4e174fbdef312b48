import { describe, expect, it } from "vitest";
import { renderNotification } from "../../src/render/render-notification";
import { cardOf, commentInput } from "../fixtures/render";

const TRANSLATED = {
  id: "tpl-translated",
  version: 1,
  defaultLocale: "en",
  subject: "Due soon: {{ data.task }}",
  html: "<p>Due {{ data.due | local_date: 'long' }}</p>",
  locales: {
    "pt-BR": { subject: "Vence em breve: {{ data.task }}", html: "<p>Vence em {{ data.due | local_date: 'long' }}</p>" },
    pt: { subject: "Prazo a terminar: {{ data.task }}", html: "<p>Prazo: {{ data.due | local_date: 'long' }}</p>" },
    de: { subject: "Bald fällig: {{ data.task }}", html: "<p>Fällig am {{ data.due | local_date: 'long' }}</p>", text: "Fällig: {{ data.task }}" },
  },
};

async function renderFor(locale: string | null, textOnly = false) {
  const result = await renderNotification(
    commentInput({
      template: TRANSLATED,
      recipient: { email: "r@example.test", name: "R", locale, timezone: "America/Sao_Paulo", textOnly },
      data: { task: "Relatório", due: "2026-03-10T15:00:00Z" },
    }),
  );
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe("locale variants", () => {
  it("uses the exact locale when the template has it", async () => {
    const email = await renderFor("pt-BR");
    expect(email.locale).toBe("pt-BR");
    expect(email.subject).toBe("Vence em breve: Relatório");
    expect(cardOf(email.html)).toContain("Vence em 10 de março de 2026");
  });

  it("falls back from a regional locale to its language", async () => {
    const email = await renderFor("pt-PT");
    expect(email.locale).toBe("pt");
    expect(email.subject).toBe("Prazo a terminar: Relatório");
    // The reader's own region still formats the date.
    expect(cardOf(email.html)).toContain("Prazo: 10 de março de 2026");
  });

  it("matches locale tags regardless of case and underscore spelling", async () => {
    expect((await renderFor("PT_br")).locale).toBe("pt-BR");
  });

  it("falls back to the template's default locale, formatting in that language too", async () => {
    const email = await renderFor("ja-JP");
    expect(email.locale).toBe("en");
    expect(email.subject).toBe("Due soon: Relatório");
    expect(cardOf(email.html)).toContain("Due March 10, 2026");
  });

  it("uses the default locale when the recipient has none", async () => {
    expect((await renderFor(null)).locale).toBe("en");
  });

  it("localises the system footer's links", async () => {
    const email = await renderFor("de-AT");
    expect(email.html).toContain(">Abmelden</a>");
    expect(email.html).toContain('<html lang="de">');
  });
});

describe("text-only recipients", () => {
  it("get no HTML part and a text part converted from the HTML", async () => {
    const email = await renderFor("en", true);
    expect(email.html).toBeUndefined();
    expect(email.text).toContain("Due March 10, 2026");
    expect(email.text).toContain("Unsubscribe (https://tidings.test/u/tok?c=comments&x=1)");
    expect(email.text).not.toMatch(/<[a-z]/i);
  });

  it("get the version's own text part, with the sender and the links appended", async () => {
    const email = await renderFor("de", true);
    expect(email.html).toBeUndefined();
    expect(email.text).toMatch(/^Fällig: Relatório\n\n--\nAcme · 1 Main St\nSpringfield/);
    expect(email.text).toContain("E-Mail-Einstellungen verwalten: https://tidings.test/p/tok");
    expect(email.text).toContain("Abmelden: https://tidings.test/u/tok?c=comments&x=1");
  });

  it("still get both parts' worth of content when they are not text-only", async () => {
    const email = await renderFor("de", false);
    expect(email.html).toContain("Fällig am 10. März 2026");
    expect(email.text).toMatch(/^Fällig: Relatório/);
  });
});
