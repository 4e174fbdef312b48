import { type Database, openDatabase } from "./platform/db/client";
import type { Env } from "./env";

/** What request handlers, queue consumers and cron jobs need, built once per request or batch. */
export type Services = {
  env: Env;
  db: Database;
  /** Releases the database pool; call it from `waitUntil` so the response is not held up. */
  close: () => Promise<void>;
};

export function createServices(env: Env): Services {
  const database = openDatabase(env);
  return { env, db: database.db, close: database.close };
}
