#!/usr/bin/env node
// Applies drizzle/ migrations to $DATABASE_URL: `DATABASE_URL=postgres://... npm run db:migrate`.
import { applyMigrations, MIGRATIONS_FOLDER } from "./lib/migrate.mjs";

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error("DATABASE_URL is not set.\n" + "Usage: DATABASE_URL=postgres://user:password@host:5432/dbname node scripts/migrate.mjs");
  process.exit(1);
}

try {
  await applyMigrations(databaseUrl);
  // Print only the host/db: the URL may carry a password.
  const { host, pathname } = new URL(databaseUrl);
  console.log(`Migrations from ${MIGRATIONS_FOLDER} applied to ${host}${pathname}`);
} catch (err) {
  // drizzle wraps driver errors as "Failed query: ..."; the reason is in `cause`.
  const cause = err instanceof Error && err.cause instanceof Error ? `\n  cause: ${err.cause.message}` : "";
  console.error(`Migration failed: ${err instanceof Error ? err.message : err}${cause}`);
  process.exitCode = 1;
}
