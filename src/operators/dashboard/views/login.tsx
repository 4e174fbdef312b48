import { DashboardShell } from "./layout";

export type LoginPageProps = {
  nonce: string;
  /** Absent when the dashboard cannot sign anyone in (no TOKEN_SIGNING_KEYS). */
  csrf?: string;
  message?: string;
};

/** The sign-in form: one API key, checked once and never kept. */
export function LoginPage({ nonce, csrf, message }: LoginPageProps) {
  return (
    <DashboardShell title="Sign in" nonce={nonce}>
      <section class="card" aria-labelledby="login-title">
        <h1 id="login-title">Sign in to the dashboard</h1>
        {message ? (
          <p class="error" role="alert">
            {message}
          </p>
        ) : null}
        {csrf ? (
          <form method="post" action="/dashboard/login">
            <input type="hidden" name="csrf" value={csrf} />
            <label for="api-key">API key</label>
            <p class="hint" id="api-key-hint">
              A viewer, editor or admin key of your organisation. It is checked once and not kept: the session remembers only which key signed in, for 12 hours.
            </p>
            <p>
              <input type="password" id="api-key" name="apiKey" required autocomplete="off" autocapitalize="off" aria-describedby="api-key-hint" />
            </p>
            <button type="submit">Sign in</button>
          </form>
        ) : null}
      </section>
    </DashboardShell>
  );
}
