import { readFileSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vitest/config";
import { configDefaults } from "vitest/config";
import { TEST_MAILGUN_API_KEY, TEST_MAILGUN_DOMAIN, TEST_SECRETS_KEY, TEST_SENDGRID_API_KEY, TEST_SES, TEST_SMTP, TEST_SMTP_TLS_CERT_PATH } from "./test/setup/constants";
import { TEST_MAILGUN_WEBHOOK_KEY, TEST_SENDGRID_WEBHOOK_PUBLIC_KEY, TEST_SNS_TOPIC_ARN } from "./test/fixtures/webhook-keys";

// workerd checks TLS peers (cloudflare:sockets' secureTransport and startTls too) against its own trust
// store, which miniflare extends with NODE_EXTRA_CA_CERTS, read once when miniflare is first imported.
// So the SMTP fake's self-signed certificate is named before the pool (and with it miniflare) is imported.
trustSmtpFakeCertificate();
const { cloudflareTest } = await import("@cloudflare/vitest-pool-workers");

/** Vite twin of wrangler's `Text` rule: a `.liquid` import is the file's text. */
const liquidAsText = (): Plugin => ({
  name: "tidings-liquid-as-text",
  enforce: "pre",
  async load(id) {
    if (!id.endsWith(".liquid")) return null;
    return `export default ${JSON.stringify(await readFile(id, "utf8"))};`;
  },
});

export default defineConfig({
  // Vite 8 transforms .tsx with oxc, which does not take jsxImportSource from tsconfig (wrangler's esbuild does).
  oxc: { jsx: { importSource: "hono/jsx" } },
  plugins: [
    liquidAsText(),
    cloudflareTest(({ inject }) => ({
      main: "./src/index.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          DATABASE_URL: inject("databaseUrl"),
          DATABASE_WS_PROXY: `127.0.0.1:${inject("bridgePort")}`,
          EMAIL_PROVIDER: "sendgrid",
          SENDGRID_BASE_URL: inject("sendgridUrl"),
          SENDGRID_API_KEY: TEST_SENDGRID_API_KEY,
          DEV_MODE: "true",
          // The provider fakes listen on 127.0.0.1 and localhost; production allows only the providers' own hosts.
          PROVIDER_EXTRA_HOSTS: "127.0.0.1,localhost",
          // Test files run in parallel from one address against one Redis: the limits are tested
          // with their own low settings (test/platform/rate-limit.test.ts), not on every test.
          RATE_LIMIT_KEY_PER_SECOND: "100000",
          RATE_LIMIT_RECIPIENTS_PER_SECOND: "100000",
          RATE_LIMIT_LOGIN_PER_MINUTE: "100000",
          RATE_LIMIT_PAGES_PER_MINUTE: "100000",
          RATE_LIMIT_WEBHOOKS_PER_MINUTE: "100000",
          // Keys are looked up on every request, so a test may change one in the database and see it
          // at once; the isolate's look-up cache has its own tests (test/platform/api-key-cache.test.ts).
          API_KEY_CACHE_SECONDS: "0",
          // Refusals are answered at once here; the pause itself has its own test.
          RATE_LIMIT_REFUSAL_PAUSE_MS: "0",
          PUBLIC_BASE_URL: "https://tidings.test",
          // Requests per route in the hostile-input suite (test/hostile): 1,000 in CI, fewer for a quick local pass.
          HOSTILE_RUNS: process.env.HOSTILE_RUNS ?? "1000",
          // Unset: each route's fixed seed (reproducible); "random" or a number to explore.
          HOSTILE_SEED: process.env.HOSTILE_SEED ?? "",
          // Retries in tests wait one second, not half a minute; the backoff shape is unit-tested.
          RETRY_BASE_SECONDS: "1",
          // Four send rounds before an email fails (production: 10), so the give-up test takes seconds.
          SEND_MAX_ROUNDS: "4",
          // The cron's re-seal pass would walk every test file's organisations and seal their plain-text
          // fixture rows under tests that read them; test/followup/reseal.test.ts runs it by hand, scoped.
          RESEAL_RUN_LIMIT: "0",
          // The environment's shared circuit must not open because one test injected failures;
          // circuit tests use organisations with their own provider configs (their own circuits).
          CIRCUIT_FAILURE_THRESHOLD: "1000",
          SECRETS_KEY: TEST_SECRETS_KEY,
          // Every test organisation sends as notifications@acme.test (test/fixtures/organization.ts): the
          // deployment's own sender, allowed unverified. Sender-domain tests use domains of their own.
          UNVERIFIED_SENDER_DOMAINS: "acme.test",
          // Sender-domain checks ask the DNS fake (test/global-setup.ts); a hung look-up gives up after 2 s.
          DNS_RESOLVER_URL: inject("dnsResolverUrl"),
          DNS_TIMEOUT_MS: "2000",
          // Alerts post to the recorder; SNS certificate and confirmation fetches go there too (honoured only with DEV_MODE).
          ALERT_WEBHOOK_URL: `${inject("alertSinkUrl")}/alerts`,
          SNS_FETCH_ORIGIN: `${inject("alertSinkUrl")}/sns`,
          // The shared webhook URLs' keys (test/fixtures/webhook-keys.ts).
          SENDGRID_WEBHOOK_PUBLIC_KEY: TEST_SENDGRID_WEBHOOK_PUBLIC_KEY,
          MAILGUN_WEBHOOK_SIGNING_KEY: TEST_MAILGUN_WEBHOOK_KEY,
          SES_SNS_TOPIC_ARNS: TEST_SNS_TOPIC_ARN,
          // Recipient-link keys, tests only: k2 signs, k1 is the retired-but-honoured key of a rotation.
          TOKEN_SIGNING_KEYS: "k2:kbMUqT-qw4zdxiTvqDyhjnZrSBOlpHG7sXCw6-l6nJY,k1:wzgmT6reQ6qJPBHd1imT6xM4n7AEnLgv9-JpoOxTAtU",
          // The provider fakes (test/global-setup.ts); credentials are in test/setup/constants.ts.
          MAILGUN_FAKE_URL: inject("mailgunUrl"),
          SES_FAKE_URL: inject("sesUrl"),
          SMTP_FAKE_PORT: inject("smtpPort"),
          SMTP_FAKE_TLS_PORT: inject("smtpTlsPort"),
          SMTP_FAKE_CONTROL_URL: inject("smtpControlUrl"),
          // Environment-level provider defaults aimed at the fakes; used only when EMAIL_PROVIDERS names them.
          MAILGUN_API_KEY: TEST_MAILGUN_API_KEY,
          MAILGUN_DOMAIN: TEST_MAILGUN_DOMAIN,
          MAILGUN_BASE_URL: inject("mailgunUrl"),
          SES_ACCESS_KEY_ID: TEST_SES.accessKeyId,
          SES_SECRET_ACCESS_KEY: TEST_SES.secretAccessKey,
          SES_REGION: TEST_SES.region,
          SES_ENDPOINT: inject("sesUrl"),
          SES_CONFIGURATION_SET: TEST_SES.configurationSetName,
          SMTP_HOST: "localhost",
          SMTP_PORT: String(inject("smtpPort")),
          SMTP_STARTTLS: "true",
          SMTP_USERNAME: TEST_SMTP.username,
          SMTP_PASSWORD: TEST_SMTP.password,
          // The preference cache, through the Upstash bridge to the local Redis (absent without Redis: no cache).
          ...(inject("upstashUrl") ? { UPSTASH_REDIS_REST_URL: inject("upstashUrl"), UPSTASH_REDIS_REST_TOKEN: inject("upstashToken") } : {}),
        },
      },
    })),
  ],
  test: {
    // juice and sanitize-html are CommonJS that require() ESM-shaped deps (entities, nanoid via postcss);
    // pre-bundling them is what makes them load inside workerd under vitest. wrangler's esbuild needs nothing.
    deps: { optimizer: { ssr: { enabled: true, include: ["juice", "juice/client", "sanitize-html"] } } },
    globalSetup: ["./test/global-setup.ts"],
    // vitest blanks CSS imports it does not process, `?raw` ones too; /docs serves this stylesheet as text.
    css: { include: [/swagger-ui-dist\/swagger-ui\.css/] },
    // Browser tests run in Node against `wrangler dev` (vitest.browser.config.ts), not in workerd.
    exclude: [...configDefaults.exclude, "test/browser/**", "test/node/**"],
    testTimeout: 30_000,
    // The hostile-input suite makes the Worker log a warning for most of its thousands of refusals;
    // a failure there reports the request itself, so its logs are left out of the run's output.
    onConsoleLog: (_log, _type, entity) =>
      !(entity && "module" in entity ? entity.module.moduleId : entity && "moduleId" in entity ? entity.moduleId : "").includes("/test/hostile/"),
    hookTimeout: 60_000,
  },
});

function trustSmtpFakeCertificate(): void {
  const certPath = fileURLToPath(new URL(`./${TEST_SMTP_TLS_CERT_PATH}`, import.meta.url));
  const existing = process.env.NODE_EXTRA_CA_CERTS;
  if (!existing) {
    process.env.NODE_EXTRA_CA_CERTS = certPath;
    return;
  }
  const cert = readFileSync(certPath, "utf8");
  const trusted = readFileSync(existing, "utf8");
  if (trusted.includes(cert.trim())) return;
  // One file must hold what was trusted already (a corporate proxy's CA, say) and the fake's certificate.
  const combined = join(tmpdir(), "tidings-vitest-extra-ca.pem");
  writeFileSync(combined, `${trusted}\n${cert}`);
  process.env.NODE_EXTRA_CA_CERTS = combined;
}
