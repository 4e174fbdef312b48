import type { Child } from "hono/jsx";
import { dashboardCss } from "./styles";

export type DashboardSection = "overview" | "recipients" | "audit" | "suppressions" | "templates" | "event-types" | OperationsSection;
/** The analytics and operations pages (src/operators/dashboard/routes/{analytics,keys,domains,alerts,sending}). */
type OperationsSection = "analytics" | "keys" | "domains" | "alerts" | "sending";

const SECTIONS: { key: DashboardSection; href: string; label: string }[] = [
  { key: "overview", href: "/dashboard", label: "Overview" },
  { key: "recipients", href: "/dashboard/recipients", label: "Recipients" },
  { key: "audit", href: "/dashboard/audit", label: "Audit log" },
  { key: "suppressions", href: "/dashboard/suppressions", label: "Suppressions" },
  { key: "templates", href: "/dashboard/templates", label: "Templates" },
  { key: "event-types", href: "/dashboard/event-types", label: "Event types" },
  { key: "analytics", href: "/dashboard/analytics", label: "Analytics" },
  { key: "sending", href: "/dashboard/sending", label: "Sending" },
  { key: "alerts", href: "/dashboard/alerts", label: "Alerts" },
  { key: "keys", href: "/dashboard/keys", label: "API keys" },
  { key: "domains", href: "/dashboard/domains", label: "Domains" },
];

/** Who is signed in, as every signed-in page shows it, and the sign-out form's CSRF token. */
export type ShellSession = { organizationName: string; role: string; logoutCsrf: string };

export type DashboardShellProps = {
  title: string;
  nonce: string;
  /** Absent on the sign-in page. */
  session?: ShellSession;
  current?: DashboardSection;
  children?: Child;
};

/** Every dashboard page: the organisation and key role, the nav bar, sign-out, then the page's cards. */
export function DashboardShell({ title, nonce, session, current, children }: DashboardShellProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{session ? `${title} · ${session.organizationName} · Tidings` : `${title} · Tidings`}</title>
        <style nonce={nonce} dangerouslySetInnerHTML={{ __html: dashboardCss() }} />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <div class="page">
          <header class="top">
            <span class="org">{session ? session.organizationName : "Tidings"}</span>
            {session ? (
              <div class="who">
                <span>
                  Signed in with a <strong>{session.role}</strong> key
                </span>
                <form method="post" action="/dashboard/logout">
                  <input type="hidden" name="csrf" value={session.logoutCsrf} />
                  <button type="submit" class="secondary">
                    Sign out
                  </button>
                </form>
              </div>
            ) : null}
          </header>
          {session ? (
            <nav class="tabs" aria-label="Dashboard">
              <ul>
                {SECTIONS.map((s) => (
                  <li>
                    <a href={s.href} aria-current={s.key === current ? "page" : undefined}>
                      {s.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          <main id="main">{children}</main>
          <footer class="muted">Tidings dashboard</footer>
        </div>
      </body>
    </html>
  );
}
