/** The key the SendGrid fake accepts and the Worker under test is configured with. */
export const TEST_SENDGRID_API_KEY = "SG.test-key";

/** Seals provider credentials in tests (32 bytes, base64); never used outside tests. */
export const TEST_SECRETS_KEY = "dGlkaW5ncy10ZXN0LXNlYWxpbmcta2V5LTMyYnl0ZXM=";
