/**
 * Webhook keys of the shared URLs in tests, bound by vitest.config.ts. Plain constants (no Worker
 * imports) because the config imports this file in Node.
 */
export const TEST_MAILGUN_WEBHOOK_KEY = "mailgun-webhook-signing-key-for-tests";

/** The SNS topic the shared `/webhooks/ses` URL accepts in tests. */
export const TEST_SNS_TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:tidings-test-ses-events";
