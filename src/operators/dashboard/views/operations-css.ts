import { SERIES_COLOURS, THRESHOLD_COLOUR } from "./charts";

/**
 * What the analytics and operations pages add to the dashboard's stylesheet: chart grids that
 * shrink to one column on a phone, legends, inline action forms in table cells, and the box that
 * shows a new key once.
 */
export const operationsCss = `
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,300px),1fr));gap:16px;margin:0 0 8px}
.chart-box{min-width:0}.chart-box.single{max-width:480px}
h3{margin:0 0 4px;font-size:15px;line-height:1.3;color:#111827}
svg.chart{display:block;width:100%;height:auto}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:4px 16px;margin:8px 0 0;padding:0;font-size:14px;color:#374151}
.swatch{display:inline-block;width:14px;height:14px;border-radius:3px;margin-right:6px;vertical-align:-2px}
.swatch-0{background:${SERIES_COLOURS[0]}}.swatch-1{background:${SERIES_COLOURS[1]}}.swatch-threshold{background:${THRESHOLD_COLOUR}}
nav.presets ul{list-style:none;display:flex;flex-wrap:wrap;gap:8px;margin:0 0 12px;padding:0}
nav.presets a{display:inline-flex;align-items:center;min-height:44px;padding:6px 12px;border:1px solid #6b7280;border-radius:6px;color:#1f2933;text-decoration:none}
nav.presets a[aria-current=page]{background:#1e40af;border-color:#1e40af;color:#fff;font-weight:600}
input[type=date],input[type=email],select{min-height:44px;padding:8px 10px;font:inherit;color:#1f2933;background:#fff;border:1px solid #6b7280;border-radius:6px;max-width:100%}
input[type=email]{width:100%;max-width:420px}
form.actions{display:flex;flex-wrap:wrap;align-items:flex-end;gap:8px 12px;margin:0 0 16px}
form.actions .field{flex:1 1 200px;max-width:420px}
form.inline{display:inline-flex;flex-wrap:wrap;align-items:center;gap:6px;margin:0 6px 6px 0}
form.inline button,form.inline select{min-height:40px;padding:6px 12px;width:auto;margin:0}
form.inline label{display:inline;margin:0;font-weight:400;white-space:nowrap}
form.inline select{display:inline-block}
.check{display:flex;align-items:center;gap:8px;font-weight:400}
.check input{width:20px;height:20px}
.secret{background:#ecfdf5;border:1px solid #059669;border-radius:6px;padding:12px 14px;margin:0 0 16px}
.secret code{display:block;font-size:15px;padding:8px 0}
.ok{color:#065f46}
ul.records{list-style:none;margin:0 0 12px;padding:0}
ul.records li{border-top:1px solid #e5e7eb;padding:8px 0}
h4{margin:0 0 6px;font-size:14px;color:#111827}
code.nowrap{white-space:nowrap;word-break:normal}
`;
