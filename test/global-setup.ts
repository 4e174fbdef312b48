import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../scripts/lib/embedded-postgres.mjs";
import { applyMigrations, createScratchDatabase, dropDatabase } from "../scripts/lib/migrate.mjs";
import { startSendGridFake } from "../scripts/lib/sendgrid-fake.mjs";
import { startWsBridge } from "../scripts/lib/ws-bridge.mjs";
import { TEST_SENDGRID_API_KEY } from "./setup/constants";

declare module "vitest" {
  interface ProvidedContext {
    databaseUrl: string;
    bridgePort: number;
    sendgridUrl: string;
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
  const bridge = await startWsBridge({});
  stops.push(() => bridge.stop());
  const sendgrid = await startSendGridFake({ apiKey: TEST_SENDGRID_API_KEY });
  stops.push(() => sendgrid.stop());

  project.provide("databaseUrl", databaseUrl);
  project.provide("bridgePort", bridge.port);
  project.provide("sendgridUrl", sendgrid.url);

  return async () => {
    for (const stop of stops.reverse()) await stop().catch((e: unknown) => console.warn("teardown:", e));
  };
}
