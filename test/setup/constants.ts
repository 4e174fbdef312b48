/** The key the SendGrid fake accepts and the Worker under test is configured with. */
export const TEST_SENDGRID_API_KEY = "SG.test-key";
