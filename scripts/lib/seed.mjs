import { createHash, randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Fixed ids so seeding twice updates the demo organisation instead of adding another. */
export const DEMO_ORGANIZATION_ID = "00000000-0000-4000-8000-000000000001";

/** Same format as src/platform/auth/api-key.ts: `tid_<8 hex prefix>_<secret>`; only its SHA-256 is stored. */
export function newApiKey() {
  const hex = randomBytes(32).toString("hex");
  return `tid_${hex.slice(0, 8)}_${hex.slice(8)}`;
}

/** Reads templates/demo/<event type>.liquid: a small front matter (subject, category, priority) and the HTML body. */
export async function readDemoTemplates() {
  const dir = path.join(root, "templates", "demo");
  const files = (await readdir(dir)).filter((f) => f.endsWith(".liquid"));
  return Promise.all(
    files.map(async (file) => {
      const source = await readFile(path.join(dir, file), "utf8");
      const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(source);
      if (!match) throw new Error(`${file}: expected front matter between --- lines`);
      const meta = Object.fromEntries(
        match[1].split("\n").map((line) => {
          const i = line.indexOf(":");
          return [
            line.slice(0, i).trim(),
            JSON.parse(
              line
                .slice(i + 1)
                .trim()
                .replace(/^([^"].*)$/, '"$1"'),
            ),
          ];
        }),
      );
      return { key: file.replace(/\.liquid$/, ""), subject: meta.subject, category: meta.category, priority: meta.priority ?? "normal", html: match[2] };
    }),
  );
}

/**
 * Seeds the demo organisation, its event types and templates, and an admin API key; another
 * organisation just like it when given its id and name (the bench's two-tenant scenario).
 * @param {string} databaseUrl
 * @param {{ apiKey: string, fromEmail?: string, organizationId?: string, name?: string }} options
 */
export async function seedDemo(databaseUrl, { apiKey, fromEmail = "notifications@demo.tidings.dev", organizationId = DEMO_ORGANIZATION_ID, name = "Demo Co" }) {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO organizations (id, name, from_email, from_name) VALUES ($1, $3, $2, $3)
       ON CONFLICT (id) DO UPDATE SET from_email = excluded.from_email`,
      [organizationId, fromEmail, name],
    );
    for (const t of await readDemoTemplates()) {
      const { rows } = await client.query(
        `INSERT INTO templates (id, organization_id, key, name) VALUES (gen_random_uuid(), $1, $2, $2)
         ON CONFLICT (organization_id, key) DO UPDATE SET updated_at = now()
         RETURNING id, published_version`,
        [organizationId, t.key],
      );
      const template = rows[0];
      // A new version only when the file changed since the published one, so restarts add nothing.
      const current = await client.query("SELECT subject, html FROM template_versions WHERE template_id = $1 AND version = $2", [template.id, template.published_version]);
      const same = current.rows[0] && current.rows[0].subject === t.subject && current.rows[0].html === t.html;
      if (!same) {
        const version = (template.published_version ?? 0) + 1;
        await client.query(
          `INSERT INTO template_versions (id, organization_id, template_id, version, subject, html, sample_data, published_at)
           VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, now())`,
          [organizationId, template.id, version, t.subject, t.html, "{}"],
        );
        await client.query("UPDATE templates SET published_version = $2 WHERE id = $1", [template.id, version]);
      }
      await client.query(
        `INSERT INTO event_types (id, organization_id, key, category, template_id, priority) VALUES (gen_random_uuid(), $1, $2, $3, $4, $5)
         ON CONFLICT (organization_id, key) DO UPDATE SET category = excluded.category, template_id = excluded.template_id, priority = excluded.priority`,
        [organizationId, t.key, t.category, template.id, t.priority],
      );
    }
    const hash = createHash("sha256").update(apiKey).digest("hex");
    await client.query(
      `INSERT INTO api_keys (id, organization_id, name, prefix, key_hash, role) VALUES (gen_random_uuid(), $1, 'demo admin key', $2, $3, 'admin')
       ON CONFLICT (key_hash) DO NOTHING`,
      [organizationId, apiKey.split("_")[1] ?? "", hash],
    );
    await client.query("COMMIT");
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    await client.end();
  }
}
