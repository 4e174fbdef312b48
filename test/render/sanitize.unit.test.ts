import { describe, expect, it } from "vitest";
import { decodeEntities } from "../../src/render/entities";
import { sanitizeHtml } from "../../src/render/sanitize";

// OWASP XSS Filter Evasion Cheat Sheet style payloads, plus a few mutation-XSS classics.
const PAYLOADS: [string, string][] = [
  ["script tag", "<script>alert(1)</script>"],
  ["script with external src, upper case", "<SCRIPT SRC=https://xss.test/xss.js></SCRIPT>"],
  ["malformed nested script", '<<SCRIPT>alert("XSS");//<</SCRIPT>'],
  ["quotes breaking out of a tag", '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">'],
  ["img onerror", "<img src=x onerror=alert(1)>"],
  ["img javascript: src", "<IMG SRC=\"javascript:alert('XSS');\">"],
  ["mixed-case javascript:", "<IMG SRC=JaVaScRiPt:alert('XSS')>"],
  [
    "decimal entity encoded javascript:",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
  ],
  ["hex entities without semicolons", "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>"],
  ["embedded tab in the scheme", '<a href="jav&#x09;ascript:alert(1)">x</a>'],
  ["embedded newline and leading spaces", '<a href=" &#14;  java\nscript:alert(1)">x</a>'],
  ["vbscript: link", '<a href="vbscript:msgbox(1)">x</a>'],
  ["data: text/html link", '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>'],
  ["data: svg image", '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">'],
  ["svg onload", "<svg onload=alert(1)>"],
  ["svg with script inside", "<svg><script>alert(1)</script></svg>"],
  ["body onload", "<body onload=alert(1)>"],
  ["iframe javascript: src", '<iframe src="javascript:alert(1)"></iframe>'],
  ["iframe srcdoc", '<iframe srcdoc="<script>alert(1)</script>"></iframe>'],
  ["style url(javascript:)", '<div style="background-image: url(javascript:alert(1))">x</div>'],
  ["style expression()", '<div style="width: expression(alert(1))">x</div>'],
  ["style element with @import", "<style>@import 'https://xss.test/x.css';</style>"],
  ["form with javascript: action", '<form action="javascript:alert(1)"><input type=submit></form>'],
  ["button formaction", '<button formaction="javascript:alert(1)">x</button>'],
  ["meta refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'],
  ["object data", '<object data="javascript:alert(1)"></object>'],
  ["embed data: URL", '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">'],
  ["base href hijack", '<base href="javascript:alert(1)//">'],
  ["link stylesheet", '<link rel="stylesheet" href="javascript:alert(1)">'],
  ["details ontoggle", "<details open ontoggle=alert(1)>"],
  ["onclick on an allowed tag", '<a href="https://ok.test" onclick="alert(1)">x</a>'],
  ["input autofocus onfocus", "<input autofocus onfocus=alert(1)>"],
  ["video source onerror", '<video><source onerror="alert(1)"></video>'],
  ["math/style mutation XSS", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"],
  ["protocol-relative link", '<a href="//evil.test/phish">x</a>'],
];

const ALLOWED_TAGS = new Set([
  "p",
  "br",
  "hr",
  "b",
  "strong",
  "i",
  "em",
  "u",
  "s",
  "del",
  "ins",
  "sub",
  "sup",
  "small",
  "mark",
  "code",
  "pre",
  "blockquote",
  "q",
  "abbr",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "ul",
  "ol",
  "li",
  "dl",
  "dt",
  "dd",
  "a",
  "img",
  "table",
  "thead",
  "tbody",
  "tfoot",
  "tr",
  "th",
  "td",
  "caption",
  "span",
  "div",
]);

/** Every problem with the markup that survived: a tag, attribute or URL outside the allow-list. */
function dangers(html: string): string[] {
  const found: string[] = [];
  for (const [, name = "", attrs = ""] of html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/g)) {
    if (!ALLOWED_TAGS.has(name.toLowerCase())) found.push(`tag <${name}>`);
    for (const [, attr = "", value = ""] of attrs.matchAll(/([^\s=]+)\s*=\s*"([^"]*)"/g)) {
      const decoded = decodeEntities(value)
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this strips.
        .replace(/[\s\u0000-\u001f]/g, "")
        .toLowerCase();
      if (attr.toLowerCase().startsWith("on")) found.push(`handler ${attr}`);
      // A relative URL ("x", "/a") cannot run anything; a scheme other than these, or "//host", can.
      const unsafeUrl = /^[a-z][a-z0-9+.-]*:/.test(decoded) ? !/^(https?:\/\/|mailto:)/.test(decoded) : decoded.startsWith("//");
      if (["href", "src", "action", "formaction", "srcdoc"].includes(attr) && unsafeUrl) found.push(`${attr}=${value}`);
      if (attr === "style" && /expression|url\(|javascript/.test(decoded)) found.push(`style ${value}`);
    }
  }
  return found;
}

describe("the sanitize filter", () => {
  it.each(PAYLOADS)("strips %s", (_, payload) => {
    const clean = sanitizeHtml(`<p>before</p>${payload}<p>after</p>`);
    expect(dangers(clean)).toEqual([]);
    expect(clean).toContain("<p>before</p>");
  });

  it("has a payload table of at least 20 vectors", () => {
    expect(PAYLOADS.length).toBeGreaterThanOrEqual(20);
  });

  it("keeps safe formatting, lists, tables, links and images", () => {
    const safe =
      '<p>Hello <strong>world</strong>, <em>see</em> <a href="https://ok.test/a?b=1&amp;c=2" title="t">this</a>.</p>' +
      '<ul><li>one</li><li>two</li></ul><table><tr><th scope="col">h</th></tr><tr><td colspan="2">cell</td></tr></table>' +
      '<img src="https://ok.test/a.png" alt="chart" width="100"><blockquote>quote</blockquote><p style="color: #ff0000; text-align: center">red</p>';
    const clean = sanitizeHtml(safe);
    expect(clean).toContain("<strong>world</strong>");
    expect(clean).toContain('<a href="https://ok.test/a?b=1&amp;c=2" title="t" rel="noopener noreferrer" target="_blank">this</a>');
    expect(clean).toContain("<ul><li>one</li><li>two</li></ul>");
    expect(clean).toContain('<td colspan="2">cell</td>');
    expect(clean).toContain('<img src="https://ok.test/a.png" alt="chart" width="100" />');
    expect(clean).toContain('<p style="color:#ff0000;text-align:center">red</p>');
    expect(dangers(clean)).toEqual([]);
  });

  it("keeps mailto links", () => {
    expect(sanitizeHtml('<a href="mailto:help@acme.test">mail us</a>')).toContain('href="mailto:help@acme.test"');
  });

  it("drops the text inside script, style and iframe instead of showing it", () => {
    const clean = sanitizeHtml("<script>var secret = 1</script><style>p{}</style><iframe>frame text</iframe>ok");
    expect(clean).toBe("ok");
  });
});
