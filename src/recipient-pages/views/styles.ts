import { pageColours } from "../branding";

/**
 * The pages' one stylesheet, inline (it is small and saves a request) under the response's CSP
 * nonce. Text colours are fixed dark greys on white (over 7:1); brand colours are adjusted to 4.5:1.
 */
export function pageCss(primaryColor: string): string {
  const c = pageColours(primaryColor);
  return `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f3f4f6;color:#1f2933;font:16px/1.5 -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
.page{max-width:640px;margin:0 auto;padding:24px 16px}
.brand{display:flex;align-items:center;gap:12px;margin:0 0 16px;font-size:18px;font-weight:600;color:${c.accent}}
.brand img{max-height:40px;max-width:200px;height:auto}
.card{background:#fff;border-radius:10px;padding:24px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
h1{margin:0 0 8px;font-size:24px;line-height:1.25;color:#111827}
p{margin:0 0 16px}
.muted{color:#4b5563;font-size:14px}
a{color:${c.accent};text-decoration:underline;text-underline-offset:2px}
fieldset{margin:0 0 16px;padding:12px 16px 16px;border:1px solid #d1d5db;border-radius:8px;min-width:0}
legend{padding:0 6px;font-weight:600;color:#111827}
fieldset fieldset{border:0;padding:0;margin:8px 0 0}
fieldset fieldset legend{padding:0;font-weight:500;font-size:14px;color:#374151}
.option{display:flex;align-items:center;gap:10px;min-height:44px}
.option label{flex:1;cursor:pointer}
.choices{display:flex;flex-wrap:wrap;column-gap:24px}
input[type=checkbox],input[type=radio]{width:20px;height:20px;margin:0;flex:none;accent-color:${c.accent}}
.select{display:block;margin-top:8px}
.select label{display:block;font-size:14px;font-weight:500;color:#374151;margin-bottom:4px}
select{width:100%;max-width:320px;min-height:44px;padding:8px 10px;font:inherit;color:#1f2933;background:#fff;border:1px solid #6b7280;border-radius:6px}
select:disabled,input:disabled{opacity:1;cursor:not-allowed}
.locked{color:#4b5563;font-size:14px;margin:4px 0 0}
.danger legend{color:#991b1b}
button{display:inline-block;min-height:44px;padding:10px 20px;font:inherit;font-weight:600;color:${c.buttonText};background:${c.button};border:2px solid ${c.button};border-radius:6px;cursor:pointer}
:focus-visible{outline:3px solid ${c.accent};outline-offset:2px}
button:focus-visible{outline-color:#111827}
ul.changes{margin:0 0 16px;padding-left:20px}
footer{margin-top:16px;text-align:center}
@media (max-width:480px){.page{padding:12px 0}.brand{padding:0 16px}.card{border-radius:0;padding:20px 16px}button{width:100%}.choices{display:block}}
`;
}
