import type { Child } from "hono/jsx";
import type { PageSubject } from "../load";
import type { PageStrings } from "../strings";
import { pageCss } from "./styles";

export type ShellProps = {
  title: string;
  strings: PageStrings;
  nonce: string;
  /** Absent on the invalid-link page, which knows no organisation. */
  organization?: PageSubject["organization"];
  children?: Child;
};

/** Every recipient page: the organisation's name or logo above one card, in the recipient's language. */
export function Shell({ title, strings, nonce, organization, children }: ShellProps) {
  const name = organization?.name;
  return (
    <html lang={strings.language}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{name ? `${title} · ${name}` : title}</title>
        <style nonce={nonce} dangerouslySetInnerHTML={{ __html: pageCss(organization?.branding.primaryColor ?? "#2563eb") }} />
      </head>
      <body>
        <div class="page">
          {name ? <header class="brand">{organization.branding.logoUrl ? <img src={organization.branding.logoUrl} alt={name} /> : <span>{name}</span>}</header> : null}
          <main class="card">{children}</main>
          <footer class="muted">{strings.poweredBy}</footer>
        </div>
      </body>
    </html>
  );
}
