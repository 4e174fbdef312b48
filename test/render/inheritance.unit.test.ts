import { describe, expect, it } from "vitest";
import { renderNotification } from "../../src/render/render-notification";
import { cardOf, commentInput } from "../fixtures/render";

const ORG_LAYOUT = {
  id: "layout-acme",
  version: 2,
  source: `{% layout "base" %}
{% block header %}<div class="org-banner">ACME BANNER</div>{{ block.super }}{% endblock %}
{% block footer %}<p class="org-footer">Acme legal line</p>{{ block.super }}{% endblock %}`,
};

describe("layout inheritance base → branding → template", () => {
  it("puts the template's content block inside the branding layout inside the base layout", async () => {
    const result = await renderNotification(commentInput());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const html = result.value.html ?? "";
    expect(html).toMatch(/^<!doctype html>/);
    expect(cardOf(html)).toContain("New comment on Ship v1");
    // Base's footer with the organisation's address and both links, branding's colour on the card.
    expect(html).toContain("1 Main St");
    expect(html).toContain('href="https://tidings.test/u/tok?c=comments&amp;x=1"');
    expect(html).toContain('href="https://tidings.test/p/tok"');
    expect(html).toContain("border-top: 4px solid #0f766e");
  });

  it("keeps the parent's block content where a child writes {{ block.super }}, unescaped", async () => {
    const result = await renderNotification(
      commentInput({
        branding: { layout: ORG_LAYOUT, values: { name: "Acme" } },
        template: {
          id: "super",
          version: 1,
          subject: "s",
          html: '{% layout "branding" %}{% block header %}<em>Template header</em> {{ block.super }}{% endblock %}{% block content %}<p>Body</p>{% endblock %}',
        },
      }),
    );
    if (!result.ok) throw new Error(result.error.message);
    const header = /<td class="header"[^>]*>([\s\S]*?)<\/td>/.exec(result.value.html ?? "")?.[1] ?? "";
    // template → organisation layout → base: each level's own markup, in order, none of it escaped.
    expect(header).toMatch(/<em[^>]*>Template header<\/em> <div class="org-banner"[^>]*>ACME BANNER<\/div><span class="brand-name"[^>]*>Acme<\/span>/);
    expect(header).not.toContain("&lt;");
    expect(result.value.html).toContain("Acme legal line");
    expect(result.value.html).toContain("Unsubscribe");
  });

  it("overrides a block completely when the child does not call block.super", async () => {
    const result = await renderNotification(
      commentInput({ template: { id: "override", version: 1, subject: "s", html: '{% layout "branding" %}{% block footer %}<p>Only this footer</p>{% endblock %}' } }),
    );
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.html).toContain("Only this footer");
    expect(result.value.html).not.toContain("Unsubscribe");
  });

  it("places a template without a layout tag into the branding layout's content", async () => {
    const result = await renderNotification(commentInput({ template: { id: "bare", version: 1, subject: "s", html: "<p>Just a body for {{ recipient.name }}</p>" } }));
    if (!result.ok) throw new Error(result.error.message);
    expect(cardOf(result.value.html)).toMatch(/<p[^>]*>Just a body for Ada<\/p>/);
    expect(result.value.html).toContain("Unsubscribe");
  });

  it("shows the logo from the branding values when there is one", async () => {
    const result = await renderNotification(commentInput({ branding: { values: { name: "Acme", logoUrl: "https://cdn.acme.test/logo.png" } } }));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.html).toMatch(/<img class="logo" src="https:\/\/cdn\.acme\.test\/logo\.png" alt="Acme"/);
  });

  it("leaves the unsubscribe and preferences links out of critical mail that has none", async () => {
    const result = await renderNotification(commentInput({ links: {} }));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.html).not.toContain("Unsubscribe");
    expect(result.value.text).not.toContain("Unsubscribe");
    expect(result.value.html).toContain("Sent by Acme via Tidings.");
  });

  it("refuses a layout name that was not loaded for the render instead of looking it up elsewhere", async () => {
    const result = await renderNotification(commentInput({ template: { id: "nolayout", version: 1, subject: "s", html: '{% layout "marketing" %}<p>x</p>' } }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe("TEMPLATE");
    expect(result.error.message).toContain("marketing");
  });
});
