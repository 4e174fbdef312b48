import { pageColours } from "../../../recipient-pages/branding";
import { pageCss } from "../../../recipient-pages/views/styles";
import { operationsCss } from "./operations-css";
import { templateCss } from "./templates/styles";

/** Tidings' own blue: the dashboard is for the operator, not in any organisation's branding. */
const PRIMARY = "#2563eb";

/**
 * The recipients' pages' stylesheet plus what a dashboard needs: a wider page, a nav bar and
 * tables that scroll sideways inside their own region at phone widths instead of the whole page.
 * Greys are the pages' own (over 7:1 on white); the red passes 7:1 too.
 */
export function dashboardCss(): string {
  const c = pageColours(PRIMARY);
  return `${pageCss(PRIMARY)}
.page{max-width:1200px}
.skip{position:absolute;left:-10000px;top:8px;background:#fff;padding:8px 12px;border-radius:6px}
.skip:focus{left:16px;z-index:1}
.top{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:8px 16px;margin:0 0 8px}
.top .org{font-size:18px;font-weight:600;color:#111827}
.who{display:flex;flex-wrap:wrap;align-items:center;gap:8px 12px;color:#4b5563;font-size:14px}
.who form{margin:0}
button.secondary{min-height:40px;padding:6px 14px;color:#111827;background:#fff;border:1px solid #6b7280}
nav.tabs ul{list-style:none;margin:0 0 16px;padding:0;display:flex;flex-wrap:wrap;gap:4px}
nav.tabs a{display:inline-flex;align-items:center;min-height:44px;padding:8px 14px;border-radius:6px;color:#1f2933;text-decoration:none}
nav.tabs a:hover{text-decoration:underline}
nav.tabs a[aria-current=page]{background:#fff;color:${c.accent};font-weight:600;box-shadow:0 1px 2px rgba(0,0,0,.08)}
main{display:block}
.card+.card{margin-top:16px}
h2{margin:0 0 8px;font-size:18px;line-height:1.3;color:#111827}
.table-wrap{overflow-x:auto;margin:0 0 8px}
table{border-collapse:collapse;width:100%;font-size:14px}
.note{color:#4b5563;font-size:14px;margin:0 0 8px}
th,td{text-align:left;padding:8px 10px;border-bottom:1px solid #e5e7eb;vertical-align:top}
thead th{background:#f9fafb;color:#374151;font-weight:600;white-space:nowrap}
tbody th{font-weight:500;white-space:nowrap}
tfoot th,tfoot td{font-weight:600;border-top:2px solid #d1d5db}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
time{white-space:nowrap}
code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}
.bad{color:#991b1b}
.error{color:#991b1b;background:#fef2f2;border:1px solid #fca5a5;border-radius:6px;padding:12px 14px}
label{display:block;font-weight:500;color:#374151;margin:0 0 4px}
.hint{color:#4b5563;font-size:14px;margin:0 0 6px}
input[type=text],input[type=password]{width:100%;max-width:420px;min-height:44px;padding:8px 10px;font:inherit;color:#1f2933;background:#fff;border:1px solid #6b7280;border-radius:6px}
form.search{display:flex;flex-wrap:wrap;align-items:flex-end;gap:8px 12px;margin:0 0 16px}
form.search .field{flex:1 1 240px;max-width:420px}
form.search select{max-width:none}
dl.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:6px 16px;margin:0 0 16px}
dl.facts dt{font-weight:600;color:#374151}
dl.facts dd{margin:0;overflow-wrap:anywhere}
.pager{display:flex;gap:16px;margin:8px 0 0}
@media (max-width:480px){.top,nav.tabs,main>h1{padding:0 16px}th,td{padding:8px 6px}.who button{width:auto}form.search button{width:100%}dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:6px}}
${operationsCss}
${templateCss}`;
}
