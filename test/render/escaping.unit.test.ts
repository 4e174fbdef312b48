import { describe, expect, it } from "vitest";
import { renderNotification } from "../../src/render/render-notification";
import { cardOf, commentInput } from "../fixtures/render";

const HOSTILE = { author: 'Eve "<b>"', task: "Tom & Jerry <script>alert(1)</script>", comment: "<img src=x onerror=alert(1)>", url: "javascript:alert(1)" };

describe("escaping", () => {
  it("escapes <script> and other markup from event data in the HTML part", async () => {
    const result = await renderNotification(commentInput({ data: HOSTILE }));
    if (!result.ok) throw new Error(result.error.message);
    const html = result.value.html ?? "";
    expect(html).toContain("Tom &amp; Jerry &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img src=x");
  });

  it("keeps the subject plain text on one line, with no entities", async () => {
    const result = await renderNotification(commentInput({ data: { ...HOSTILE, author: "Eve\r\nBcc: all@example.test" } }));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.subject).toBe("Eve Bcc: all@example.test commented on Tom & Jerry <script>alert(1)</script>");
    expect(result.value.subject).not.toMatch(/&amp;|&lt;|\n|\r/);
  });

  it("escapes the subject where the HTML shows it, in <title>", async () => {
    const result = await renderNotification(commentInput({ data: HOSTILE }));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.html).toContain("<title>Eve &#34;&lt;b&gt;&#34; commented on Tom &amp; Jerry &lt;script&gt;alert(1)&lt;/script&gt;</title>");
  });

  it("turns a javascript: URL from event data into # with safe_url", async () => {
    const result = await renderNotification(commentInput({ data: HOSTILE }));
    if (!result.ok) throw new Error(result.error.message);
    expect(cardOf(result.value.html)).toMatch(/<a class="button" href="#"/);
  });

  it("writes markup unescaped only where a template asks with raw", async () => {
    const template = { id: "raw", version: 1, subject: "s", html: "<div>{{ data.trusted | raw }}</div><div>{{ data.trusted }}</div>" };
    const result = await renderNotification(commentInput({ template, data: { trusted: "<b>bold</b>" } }));
    if (!result.ok) throw new Error(result.error.message);
    expect(cardOf(result.value.html)).toMatch(/<div><b>bold<\/b><\/div><div>&lt;b&gt;bold&lt;\/b&gt;<\/div>/);
  });

  it("lets user HTML through the sanitize filter without escaping what survives", async () => {
    const template = { id: "sanitized", version: 1, subject: "{{ data.body | sanitize }}", html: "<div>{{ data.body | sanitize }}</div>" };
    const result = await renderNotification(commentInput({ template, data: { body: "<p>Hi <strong>there</strong><script>alert(1)</script></p>" } }));
    if (!result.ok) throw new Error(result.error.message);
    expect(cardOf(result.value.html)).toMatch(/<div><p[^>]*>Hi <strong>there<\/strong><\/p><\/div>/);
    // In the subject (plain text) the same filter leaves only the words.
    expect(result.value.subject).toBe("Hi there");
  });
});
