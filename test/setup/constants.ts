/** The key the SendGrid fake accepts and the Worker under test is configured with. */
export const TEST_SENDGRID_API_KEY = "SG.test-key";

/** Seals provider credentials in tests (32 bytes, base64); never used outside tests. */
export const TEST_SECRETS_KEY = "dGlkaW5ncy10ZXN0LXNlYWxpbmcta2V5LTMyYnl0ZXM=";

/** What the Mailgun fake accepts: its API key and the one sending domain it knows. */
export const TEST_MAILGUN_API_KEY = "key-tidings-test";
export const TEST_MAILGUN_DOMAIN = "mg.tidings.test";

/** The SES fake's credentials and region; it verifies SigV4 signatures against this secret. */
export const TEST_SES = { accessKeyId: "AKIDTIDINGSTEST0000", secretAccessKey: "ses-test-secret-key", region: "eu-west-1", configurationSetName: "tidings" } as const;
/** Senders the SES fake treats as verified identities (a domain covers its addresses). */
export const TEST_SES_VERIFIED_IDENTITIES = ["acme.test"];

/** The account the SMTP fake requires (AUTH PLAIN or LOGIN). */
export const TEST_SMTP = { username: "tidings", password: "smtp-test-password" } as const;

/** Where the SMTP/SES fakes look up the DKIM public key (the key pair is made fresh by global setup). */
export const TEST_DKIM = { domain: "acme.test", selector: "tidings2026" } as const;

/** The SMTP fake's self-signed certificate, trusted by workerd under vitest through NODE_EXTRA_CA_CERTS. */
export const TEST_SMTP_TLS_CERT_PATH = "test/fixtures/smtp-fake-tls.cert.pem";
export const TEST_SMTP_TLS_KEY_PATH = "test/fixtures/smtp-fake-tls.key.pem";
