import { describe, expect, it } from "vitest";
import { validateLayout, validateTemplate } from "../../src/render/validate-template";

const GOOD = {
  subject: "{{ data.author }} commented on {{ data.task }}",
  html: '{% layout "branding" %}\n{% block content %}\n<p>{{ data.author }} wrote:</p>\n<blockquote>{{ data.comment }}</blockquote>\n{% endblock %}\n',
  sampleData: { author: "Grace", task: "Ship v1", comment: "Looks good" },
};

describe("validateTemplate", () => {
  it("accepts a good template and returns the rendered preview", async () => {
    const result = await validateTemplate({ ...GOOD, requiredVariables: ["author", "data.task"] });
    expect(result.ok, JSON.stringify(result)).toBe(true);
    if (!result.ok) return;
    expect(result.value.subject).toBe("Grace commented on Ship v1");
    expect(result.value.html).toContain("Looks good");
    expect(result.value.text).toContain("Grace wrote:");
  });

  it("reports an unclosed tag with the line and column where it opens", async () => {
    const html = '{% layout "branding" %}\n<p>Hello</p>\n\n  {% if data.urgent %}<b>now</b>\n';
    const result = await validateTemplate({ ...GOOD, html });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toEqual([expect.objectContaining({ part: "html", line: 4, column: 3 })]);
    expect(result.error[0]?.message).toMatch(/if data\.urgent.*not closed/);
  });

  it("reports an unclosed output with its position in the subject", async () => {
    const result = await validateTemplate({ ...GOOD, subject: "Hi {{ data.author" });
    if (result.ok) throw new Error("expected a failure");
    expect(result.error).toEqual([expect.objectContaining({ part: "subject", line: 1, column: 4 })]);
  });

  it("reports an unknown filter with its position in the text part", async () => {
    const result = await validateTemplate({ ...GOOD, text: "Hello\n{{ data.author | shout }}" });
    if (result.ok) throw new Error("expected a failure");
    expect(result.error).toEqual([expect.objectContaining({ part: "text", line: 2, column: 1 })]);
    expect(result.error[0]?.message).toContain("shout");
  });

  it("reports required variables missing from the sample data", async () => {
    const result = await validateTemplate({ ...GOOD, requiredVariables: ["author", "project.name"] });
    if (result.ok) throw new Error("expected a failure");
    expect(result.error).toEqual([{ message: 'required variable "project.name" is missing from the sample data', part: "html" }]);
  });

  it("reports a layout that does not exist, at the layout tag", async () => {
    const result = await validateTemplate({ ...GOOD, html: '\n  {% layout "marketing" %}<p>x</p>' });
    if (result.ok) throw new Error("expected a failure");
    expect(result.error).toEqual([expect.objectContaining({ part: "html", line: 2, column: 3, message: expect.stringContaining('"marketing" does not exist') })]);
  });

  it("reports HTML that is not well-formed once rendered with the sample data", async () => {
    const html = '{% layout "branding" %}{% block content %}<div><p>{{ data.author }}</div>{% endblock %}';
    const result = await validateTemplate({ ...GOOD, html });
    if (result.ok) throw new Error("expected a failure");
    expect(result.error[0]?.part).toBe("html");
    expect(result.error[0]?.message).toMatch(/not well-formed.*<p> opened at line \d+, column \d+ is not closed before <\/div>/);
  });

  it("reports a broken organisation layout it would be rendered with", async () => {
    const layout = { id: "acme-layout", version: 1, source: '{% layout "base" %}\n{% block header %}{{ brand.name }{% endblock %}' };
    const result = await validateTemplate({ ...GOOD, layout });
    if (result.ok) throw new Error("expected a failure");
    expect(result.error[0]?.message).toMatch(/^in layout acme-layout: .*\(line 2, column 19\)$/);
  });
});

describe("validateLayout", () => {
  it("accepts the default branding layout's shape", async () => {
    const result = await validateLayout({ source: '{% layout "base" %}{% block header %}<b>{{ brand.name }}</b>{% endblock %}' });
    expect(result.ok, JSON.stringify(result)).toBe(true);
  });

  it("refuses a layout that does not extend base, since base carries the unsubscribe footer", async () => {
    const result = await validateLayout({ source: "<html><body>{% block content %}{% endblock %}</body></html>" });
    if (result.ok) throw new Error("expected a failure");
    expect(result.error[0]?.message).toContain('must extend "base"');
  });

  it("reports a layout's own parse error with its line and column", async () => {
    const result = await validateLayout({ source: '{% layout "base" %}\n{% block header %}\n{% for x in %}{% endfor %}{% endblock %}' });
    if (result.ok) throw new Error("expected a failure");
    expect(result.error).toEqual([expect.objectContaining({ part: "html", line: 3, column: 1 })]);
  });
});
