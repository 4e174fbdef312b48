/**
 * The template pages' additions: monospace editors that never widen the page, preview frames at a
 * desktop and a 375 px width side by side (each scrolling in its own region on a phone), and a diff
 * whose lines are marked by sign as well as colour.
 */
export const templateCss = `
textarea,input.code{width:100%;max-width:100%;box-sizing:border-box;padding:8px 10px;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:#1f2933;background:#fff;border:1px solid #6b7280;border-radius:6px}
input.code{min-height:44px}
.field{margin:0 0 14px;min-width:0}
fieldset{border:1px solid #d1d5db;border-radius:6px;margin:0 0 16px;padding:12px 14px;min-width:0}
legend{font-weight:600;color:#111827;padding:0 4px}
.actions{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:center;margin:8px 0 0}
.actions form{margin:0}
.notice{color:#065f46;background:#ecfdf5;border:1px solid #6ee7b7;border-radius:6px;padding:12px 14px}
.issues{margin:0;padding-left:20px}
.issues li+li{margin-top:8px}
pre.source,pre.text-part{margin:4px 0 0;padding:8px 10px;background:#f9fafb;border:1px solid #e5e7eb;border-radius:6px;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;overflow-wrap:anywhere}
.frames{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
.frame-box{max-width:100%;overflow-x:auto;min-width:0}
.frame-box h3{font-size:15px;margin:0 0 6px}
iframe.preview{display:block;box-sizing:content-box;height:640px;border:1px solid #9ca3af;border-radius:6px;background:#fff}
iframe.desktop{width:640px}
iframe.phone{width:375px}
table.diff{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
table.diff td{padding:0 8px;border:0;white-space:pre-wrap;overflow-wrap:anywhere}
table.diff td.sign{width:1.5em;text-align:center;user-select:none}
tr.added{background:#ecfdf5}
tr.removed{background:#fef2f2}
.badge{display:inline-block;padding:0 8px;border-radius:999px;background:#e5e7eb;color:#111827;font-size:13px}
.badge.live{background:#d1fae5;color:#065f46}
form.inline{display:inline;margin:0}
.check label{display:inline}
input[type=checkbox]{width:20px;height:20px;vertical-align:middle}
.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;
