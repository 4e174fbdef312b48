import { describe, expect, it } from "vitest";
import { htmlToText } from "../../src/render/html-to-text";

describe("the plain-text part made from HTML", () => {
  it("writes links as text (url), and a bare url once", () => {
    expect(htmlToText('<p>Open <a href="https://app.test/t/1?a=1&amp;b=2">the task</a> or <a href="https://app.test">https://app.test</a>.</p>')).toBe(
      "Open the task (https://app.test/t/1?a=1&b=2) or https://app.test.",
    );
  });

  it("puts list items on their own lines with dashes, numbers in ordered lists, indented when nested", () => {
    const html = "<ul><li>One</li><li>Two<ul><li>Two a</li></ul></li></ul><ol><li>First</li><li>Second</li></ol>";
    expect(htmlToText(html)).toBe("- One\n- Two\n  - Two a\n\n1. First\n2. Second");
  });

  it("underlines h1 and h2 and separates paragraphs with a blank line", () => {
    expect(htmlToText("<h1>Weekly report</h1><p>First.</p><h2>Details</h2><p>Second.</p><h3>Small</h3>")).toBe(
      "Weekly report\n=============\n\nFirst.\n\nDetails\n-------\n\nSecond.\n\nSmall",
    );
  });

  it("writes data tables as rows of cells and layout tables as plain blocks", () => {
    const data = "<table><tr><th>Task</th><th>Due</th></tr><tr><td>Ship v1</td><td>Friday</td></tr></table>";
    expect(htmlToText(data)).toBe("Task | Due\nShip v1 | Friday");
    const layout = '<table role="presentation"><tr><td>Header</td></tr><tr><td><p>Body</p></td></tr></table>';
    expect(htmlToText(layout)).toBe("Header\n\nBody");
  });

  it("quotes blockquotes, decodes entities, and leaves out head, style and the preheader", () => {
    const html =
      '<html><head><title>T</title><style>p{}</style></head><body><div data-text="skip">preview text</div><blockquote>Looks &amp; feels &lt;good&gt;</blockquote><p>caf&#233; &copy;</p></body></html>';
    expect(htmlToText(html)).toBe("> Looks & feels <good>\n\ncafé ©");
  });

  it("keeps an image's alt text and drops HTML comments", () => {
    expect(htmlToText('<!--[if mso]><table><![endif]--><img src="https://x.test/logo.png" alt="Acme"><p>Hi</p>')).toBe("Acme\n\nHi");
  });
});
