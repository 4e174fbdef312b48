import { describe, expect, it } from "vitest";
import { inlineCss } from "../../src/render/inline";
import { renderNotification } from "../../src/render/render-notification";
import { cardOf, commentInput } from "../fixtures/render";

const styleBlocks = (html: string) => [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map((m) => m[1] ?? "").join("\n");

describe("CSS inlining", () => {
  it("inlines the layouts' rules onto elements and keeps only @media in the <style> block", async () => {
    const result = await renderNotification(commentInput());
    if (!result.ok) throw new Error(result.error.message);
    const html = result.value.html ?? "";
    expect(html).toMatch(/<h1 style="margin: 0 0 16px; font-size: 22px;[^"]*">New comment/);
    expect(html).toMatch(/<td class="card" style="[^"]*background-color: #ffffff;[^"]*border-top: 4px solid #0f766e;/);
    const css = styleBlocks(html);
    expect(css).toContain("@media only screen and (max-width: 620px)");
    expect(css).toContain("padding: 20px !important;");
    expect(css).not.toMatch(/\.card p\s*{/);
  });

  it("keeps @font-face in the <style> block and inlines the organisation's custom CSS last", async () => {
    const customCss = "@font-face { font-family: Brand; src: url(https://cdn.acme.test/brand.woff2); } .card h1 { font-family: Brand, sans-serif; color: #7c3aed; }";
    const result = await renderNotification(commentInput({ branding: { values: { name: "Acme", customCss } } }));
    if (!result.ok) throw new Error(result.error.message);
    expect(styleBlocks(result.value.html ?? "")).toMatch(/@font-face\s*{\s*font-family: Brand;/);
    const h1 = /<h1 style="([^"]*)"/.exec(result.value.html ?? "")?.[1];
    expect(h1).toContain("color: #7c3aed;");
    expect(h1).toContain("font-family: Brand, sans-serif;");
  });

  it("cannot let custom CSS close its <style> element", async () => {
    const customCss = "p { color: red; } </style><script>alert(1)</script>";
    const result = await renderNotification(commentInput({ branding: { values: { name: "Acme", customCss } } }));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.html).not.toContain("<script>");
  });

  it("inlines once per version and produces exactly what inlining every email produces", async () => {
    const perVersion = await renderNotification(commentInput());
    const perEmail = await renderNotification(commentInput({ inlining: "per-email" }));
    if (!perVersion.ok || !perEmail.ok) throw new Error("render failed");
    expect(perVersion.value.inlining).toBe("per-version");
    expect(perEmail.value.inlining).toBe("per-email");
    expect(perVersion.value.html).toBe(perEmail.value.html);
    expect(perVersion.value.text).toBe(perEmail.value.text);
  });

  it("inlines per email when the template writes HTML at send time, so that HTML gets the styles too", async () => {
    const template = { id: "user-html", version: 1, subject: "s", html: "{{ data.body | sanitize }}" };
    const result = await renderNotification(commentInput({ template, data: { body: "<p>user paragraph</p>" } }));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.inlining).toBe("per-email");
    expect(result.value.inliningReason).toBe("the template writes HTML at send time");
    expect(cardOf(result.value.html)).toContain('<p style="margin: 0 0 16px;">user paragraph</p>');
  });

  it("inlines per email when a layout puts liquid tags inside <style>", async () => {
    const layout = {
      id: "css-tags",
      version: 1,
      source: '{% layout "base" %}{% block styles %}{{ block.super }}{% if brand.logoUrl %} .card { color: #111111; }{% endif %}{% endblock %}',
    };
    const result = await renderNotification(commentInput({ branding: { layout, values: { name: "Acme" } } }));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.inlining).toBe("per-email");
    expect(result.value.inliningReason).toBe("a liquid tag inside <style>");
  });

  it("inlines per email when a block sits inside a condition", async () => {
    const template = { id: "cond-block", version: 1, subject: "s", html: '{% layout "branding" %}{% if data.urgent %}{% block header %}URGENT{% endblock %}{% endif %}<p>x</p>' };
    const calm = await renderNotification(commentInput({ template, data: { urgent: false } }));
    if (!calm.ok) throw new Error(calm.error.message);
    expect(calm.value.inlining).toBe("per-email");
    expect(calm.value.html).not.toContain("URGENT");
  });

  it("leaves liquid output and tags in text and attribute values alone (what the per-version merge relies on)", () => {
    const out = inlineCss('<style>a { color: red; }</style><p>{% if x %}<a href="{{ url }}?a=1&b=2" title="{{ t | default: \'x\' }}">{{ y }}</a>{% endif %}</p>');
    expect(out).toContain('<p>{% if x %}<a href="{{ url }}?a=1&b=2" title="{{ t | default: \'x\' }}" style="color: red;">{{ y }}</a>{% endif %}</p>');
  });

  it("mangles CSS rules that liquid tags wrap, which is why such versions are inlined per email", () => {
    const out = inlineCss("<style>{% if dark %} p { color: white; } {% endif %} p { margin: 0; }</style><p>x</p>");
    expect(out).not.toContain('<p style="margin: 0;">');
  });
});
