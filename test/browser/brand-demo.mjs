import pg from "pg";
import { DEMO_ORGANIZATION_ID } from "../../scripts/lib/seed.mjs";

/**
 * Gives the demo organisation a brand colour and its own name for a category, so the browser
 * tests and screenshots show branding and organisation strings. Written straight to the database:
 * the admin API does not take `pageStrings` yet.
 * @param {string} databaseUrl
 */
export async function brandDemo(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on("error", () => {});
  await client.connect();
  try {
    const branding = { primaryColor: "#0f766e", pageStrings: { en: { categories: { comments: "Comments on your tasks" } } } };
    await client.query("UPDATE organizations SET branding = $2 WHERE id = $1", [DEMO_ORGANIZATION_ID, JSON.stringify(branding)]);
  } finally {
    await client.end();
  }
}
