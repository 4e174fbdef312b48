import { generateKeyPairSync } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../scripts/lib/embedded-postgres.mjs";
import { applyMigrations, createScratchDatabase, dropDatabase } from "../scripts/lib/migrate.mjs";
import { startMailgunFake } from "../scripts/lib/mailgun-fake.mjs";
import { startSendGridFake } from "../scripts/lib/sendgrid-fake.mjs";
import { startSesFake } from "../scripts/lib/ses-fake.mjs";
import { startSmtpFake } from "../scripts/lib/smtp-fake.mjs";
import { pingRedis, startUnresponsiveServer, startUpstashBridge } from "../scripts/lib/upstash-bridge.mjs";
import { startAlertSink } from "../scripts/lib/alert-sink.mjs";
import { startDnsFake } from "../scripts/lib/dns-fake.mjs";
import { startSentryFake } from "../scripts/lib/sentry-fake.mjs";
import { startWsBridge } from "../scripts/lib/ws-bridge.mjs";
import {
  TEST_DKIM,
  TEST_MAILGUN_API_KEY,
  TEST_MAILGUN_DOMAIN,
  TEST_SENDGRID_API_KEY,
  TEST_SES,
  TEST_SES_VERIFIED_IDENTITIES,
  TEST_SMTP,
  TEST_SMTP_TLS_CERT_PATH,
  TEST_SMTP_TLS_KEY_PATH,
} from "./setup/constants";

declare module "vitest" {
  interface ProvidedContext {
    databaseUrl: string;
    bridgePort: number;
    sendgridUrl: string;
    mailgunUrl: string;
    sesUrl: string;
    smtpPort: number;
    smtpTlsPort: number;
    smtpControlUrl: string;
    /** PKCS#8 PEM; the SMTP and SES fakes hold its public key as TEST_DKIM's DNS record. */
    dkimPrivateKeyPem: string;
    /** The Upstash REST bridge to the local Redis; empty when Redis is not reachable (see redisSkipReason). */
    upstashUrl: string;
    upstashToken: string;
    /** Why the Redis tests are skipped, or empty when they run. */
    redisSkipReason: string;
    /** A cache endpoint that accepts connections and never answers, and a port nothing listens on. */
    hungCacheUrl: string;
    closedCacheUrl: string;
    /** Records the Worker's alert webhook posts and serves the SNS certificate/confirmation endpoints (scripts/lib/alert-sink.mjs). */
    alertSinkUrl: string;
    /** The DNS-over-HTTPS fake (scripts/lib/dns-fake.mjs): DNS_RESOLVER_URL, and where the SMTP fake finds DKIM keys tests publish. */
    dnsResolverUrl: string;
    /** Sentry's envelope endpoint (scripts/lib/sentry-fake.mjs) and a DSN that reaches it; the Worker gets SENTRY_DSN only where a test sets it. */
    sentryUrl: string;
    sentryDsn: string;
  }
}

/**
 * Runs in Node before the workerd pool starts: a database (a scratch database on the server named by
 * TEST_DATABASE_URL, else an embedded PGlite), migrations, the WebSocket bridge the Neon driver
 * needs to reach it, and the SendGrid fake. Their addresses reach the Worker as bindings.
 */
export default async function setup(project: TestProject) {
  const stops: (() => Promise<unknown>)[] = [];
  let databaseUrl: string;
  const server = process.env.TEST_DATABASE_URL;
  if (server) {
    databaseUrl = await createScratchDatabase(server, "tidings_test");
    const name = new URL(databaseUrl).pathname.slice(1);
    stops.push(() => dropDatabase(server, name));
    console.log(`[tidings] tests use PostgreSQL at ${new URL(server).host}, database ${name}`);
  } else {
    const embedded = await startEmbeddedPostgres();
    databaseUrl = embedded.url;
    stops.push(() => embedded.stop());
    console.log("[tidings] tests use the embedded PostgreSQL (set TEST_DATABASE_URL to use a server)");
  }
  await applyMigrations(databaseUrl);
  const target = new URL(databaseUrl);
  const bridge = await startWsBridge({ sql: { host: target.hostname, port: Number(target.port || 5432) } });
  stops.push(() => bridge.stop());
  const sendgrid = await startSendGridFake({ apiKey: TEST_SENDGRID_API_KEY });
  stops.push(() => sendgrid.stop());
  const fakes = await startMailAndApiFakes();
  stops.push(...fakes.stops);

  project.provide("databaseUrl", databaseUrl);
  project.provide("bridgePort", bridge.port);
  project.provide("sendgridUrl", sendgrid.url);
  for (const [key, value] of Object.entries(fakes.provided)) project.provide(key as keyof typeof fakes.provided, value);
  const cache = await startCacheEndpoints();
  stops.push(...cache.stops);
  for (const [key, value] of Object.entries(cache.provided)) project.provide(key as keyof typeof cache.provided, value);
  const alertSink = await startAlertSink();
  stops.push(() => alertSink.stop());
  project.provide("alertSinkUrl", alertSink.url);
  const sentry = await startSentryFake();
  stops.push(() => sentry.stop());
  project.provide("sentryUrl", sentry.url);
  project.provide("sentryDsn", sentry.dsn());

  return async () => {
    for (const stop of stops.reverse()) await stop().catch((e: unknown) => console.warn("teardown:", e));
  };
}

/** Mailgun, SES and SMTP fakes, and a fresh DKIM key pair whose public half the SES and SMTP fakes publish. */
async function startMailAndApiFakes() {
  const keys = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
  const dkimKeys = [{ ...TEST_DKIM, publicKeyPem: keys.publicKey }];
  const root = new URL("../", import.meta.url);
  const tls = { key: await readFile(new URL(TEST_SMTP_TLS_KEY_PATH, root), "utf8"), cert: await readFile(new URL(TEST_SMTP_TLS_CERT_PATH, root), "utf8") };
  const mailgun = await startMailgunFake({ apiKey: TEST_MAILGUN_API_KEY, domains: [TEST_MAILGUN_DOMAIN] });
  const ses = await startSesFake({ ...TEST_SES, configurationSets: [TEST_SES.configurationSetName], verifiedIdentities: TEST_SES_VERIFIED_IDENTITIES, dkimKeys });
  const dns = await startDnsFake();
  const smtp = await startSmtpFake({ ...TEST_SMTP, tls, dkimKeys, dnsTxt: dns.txt });
  return {
    stops: [() => mailgun.stop(), () => ses.stop(), () => smtp.stop(), () => dns.stop()],
    provided: {
      dnsResolverUrl: dns.url,
      mailgunUrl: mailgun.url,
      sesUrl: ses.url,
      smtpPort: smtp.port,
      smtpTlsPort: smtp.tlsPort,
      smtpControlUrl: smtp.controlUrl,
      dkimPrivateKeyPem: keys.privateKey,
    },
  };
}

/**
 * The Upstash REST bridge in front of the machine's Redis (when it answers PING), plus two broken
 * endpoints for outage tests. Without Redis the suite still passes and the cache tests say they skipped, unless TIDINGS_REQUIRE_REDIS=1 (CI), which fails instead.
 */
async function startCacheEndpoints() {
  const stops: (() => Promise<unknown>)[] = [];
  const hung = await startUnresponsiveServer();
  stops.push(() => hung.stop());
  const closed = await startUnresponsiveServer();
  await closed.stop();
  // TEST_REDIS_PORT: a Redis on another port (or, pointed at a closed one, a rehearsal of a machine without Redis).
  const redisPort = Number(process.env.TEST_REDIS_PORT ?? 6379);
  const ping = await pingRedis({ port: redisPort });
  let upstash = { url: "", token: "" };
  let redisSkipReason = "";
  if (ping.ok) {
    const bridge = await startUpstashBridge({ redisPort });
    stops.push(() => bridge.stop());
    upstash = { url: bridge.url, token: bridge.token };
    console.log(`[tidings] preference cache tests use Redis on 127.0.0.1:${redisPort} through the Upstash bridge at ${bridge.url}`);
  } else {
    redisSkipReason = `Redis is not reachable (${ping.reason})`;
    // CI runs every test: a machine without Redis fails there instead of passing with fewer tests.
    if (process.env.TIDINGS_REQUIRE_REDIS === "1") throw new Error(`[tidings] ${redisSkipReason}; TIDINGS_REQUIRE_REDIS=1 asks for the Redis tests.`);
    console.warn(
      `[tidings] SKIPPING the Redis preference-cache tests (test/decide/cache.test.ts): ${redisSkipReason}. ` +
        'Start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no (CI always runs them).',
    );
  }
  return {
    stops,
    provided: { upstashUrl: upstash.url, upstashToken: upstash.token, redisSkipReason, hungCacheUrl: hung.url, closedCacheUrl: closed.url },
  };
}
