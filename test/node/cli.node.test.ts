import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../../scripts/lib/embedded-postgres.mjs";
import { startLocalStack } from "../../scripts/lib/local-stack.mjs";
import { applyMigrations, createScratchDatabase, dropDatabase } from "../../scripts/lib/migrate.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const CLI = path.join(root, "scripts/cli/tidings.mjs");
const KEY_FORMAT = /^tid_[0-9a-f]{8}_[0-9a-f]{56}$/;

type Run = { code: number | null; stdout: string; stderr: string };

/** The CLI as a person runs it: a child process with DATABASE_URL (`null`: none), its exit code and both streams. */
function tidings(args: string[], databaseUrl: string | null = database.url): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl ?? undefined };
  if (databaseUrl === null) delete env.DATABASE_URL;
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr });
    });
  });
}

async function json<T>(args: string[]): Promise<T> {
  const run = await tidings([...args, "--json"]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as T;
}

/** A scratch database on TEST_DATABASE_URL's server, or an embedded PGlite when there is none; migrated either way. */
const database = { url: "", stop: async () => {} };

async function query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: database.url });
  client.on("error", () => {});
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  const server = process.env.TEST_DATABASE_URL;
  if (server) {
    const url = await createScratchDatabase(server, "tidings_cli");
    Object.assign(database, { url, stop: () => dropDatabase(server, url) });
  } else {
    const embedded = await startEmbeddedPostgres();
    Object.assign(database, { url: embedded.url, stop: embedded.stop });
  }
  await applyMigrations(database.url);
}, 60_000);

afterAll(async () => {
  await database.stop();
});

type OrgCreated = { organizationId: string; apiKeyId: string; apiKey: string };
type KeyView = { id: string; name: string; prefix: string; role: string; status: string; expiresAt: string | null; revokedAt: string | null; key?: string };

describe("tidings org create", () => {
  it("creates an organisation and its first admin key, stores only the key's SHA-256, and audits both as the cli", async () => {
    const created = await json<OrgCreated>(["org", "create", "--name", "Acme", "--from-email", "notifications@acme.example"]);
    expect(created.apiKey).toMatch(KEY_FORMAT);
    const [org] = await query<{ name: string; from_email: string }>("SELECT name, from_email FROM organizations WHERE id = $1", [created.organizationId]);
    expect(org).toEqual({ name: "Acme", from_email: "notifications@acme.example" });
    const keys = await query<{ id: string; role: string; key_hash: string; prefix: string }>("SELECT id, role, key_hash, prefix FROM api_keys WHERE organization_id = $1", [
      created.organizationId,
    ]);
    const sha256 = createHash("sha256").update(created.apiKey).digest("hex");
    expect(keys).toEqual([{ id: created.apiKeyId, role: "admin", key_hash: sha256, prefix: created.apiKey.split("_")[1] }]);
    const audit = await query<{ actor_type: string; actor_id: string; action: string; target_id: string; via: string; details: Record<string, unknown> }>(
      "SELECT actor_type, actor_id, action, target_id, via, details FROM audit_log WHERE organization_id = $1 ORDER BY action DESC",
      [created.organizationId],
    );
    expect(audit.map((a) => [a.actor_type, a.action, a.target_id, a.via])).toEqual([
      ["cli", "organization.create", created.organizationId, "cli"],
      ["cli", "api_key.create", created.apiKeyId, "cli"],
    ]);
    expect(audit[0]?.actor_id).toMatch(/.@./);
    expect(JSON.stringify(audit)).not.toContain(created.apiKey.split("_")[2]);
  });

  it("prints the key for a person without --json, once, with the organisation's id", async () => {
    const run = await tidings(["org", "create", "--name", "Plain Ltd"]);
    expect(run.code, run.stderr).toBe(0);
    const key = /tid_[0-9a-f]{8}_[0-9a-f]{56}/.exec(run.stdout)?.[0];
    expect(key).toBeDefined();
    expect(run.stdout).toMatch(/Created organisation "Plain Ltd" \(id [0-9a-f-]{36}\)/);
    expect(run.stdout).toContain("shown this once");
    expect(run.stdout.split(key ?? "-").length).toBe(2);
  });
});

describe("tidings key", () => {
  it("creates, lists and revokes keys, audited as the cli; a revoked key is listed as revoked and revoking it again changes nothing", async () => {
    const org = await json<OrgCreated>(["org", "create", "--name", "Keys Co"]);
    const made = await json<KeyView>(["key", "create", "--org", org.organizationId, "--role", "ingest", "--name", "billing", "--expires", "30d"]);
    expect(made).toMatchObject({ name: "billing", role: "ingest", status: "active", revokedAt: null });
    expect(made.key).toMatch(KEY_FORMAT);
    const days = (Date.parse(made.expiresAt ?? "") - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);

    const listed = await json<{ keys: KeyView[] }>(["key", "list", "--org", org.organizationId]);
    expect(listed.keys.map((k) => [k.id, k.role, k.status])).toEqual([
      [made.id, "ingest", "active"],
      [org.apiKeyId, "admin", "active"],
    ]);
    expect(JSON.stringify(listed)).not.toContain(made.key);

    const revoked = await json<KeyView & { changed: boolean }>(["key", "revoke", made.id]);
    expect(revoked).toMatchObject({ id: made.id, status: "revoked", changed: true });
    expect((await json<KeyView & { changed: boolean }>(["key", "revoke", made.id])).changed).toBe(false);
    const text = await tidings(["key", "list", "--org", org.organizationId]);
    expect(text.stdout).toMatch(new RegExp(`${made.id}\\s+${made.prefix}\\s+ingest\\s+revoked`));

    const audit = await query<{ action: string; target_id: string; actor_type: string }>(
      "SELECT action, target_id, actor_type FROM audit_log WHERE organization_id = $1 AND target_id = $2 ORDER BY created_at",
      [org.organizationId, made.id],
    );
    expect(audit).toEqual([
      { action: "api_key.create", target_id: made.id, actor_type: "cli" },
      { action: "api_key.revoke", target_id: made.id, actor_type: "cli" },
    ]);
  });

  it("refuses to revoke an organisation's last working admin key unless --force is given", async () => {
    const org = await json<OrgCreated>(["org", "create", "--name", "Last Admin Co"]);
    const refused = await tidings(["key", "revoke", org.apiKeyId]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^tidings: .*last working admin key.*\n$/);
    expect((await json<{ keys: KeyView[] }>(["key", "list", "--org", org.organizationId])).keys.map((k) => k.status)).toEqual(["active"]);
    expect((await json<KeyView & { changed: boolean }>(["key", "revoke", org.apiKeyId, "--force"])).status).toBe("revoked");
  });

  it("fails with exit code 1 and one line on stderr for an unknown organisation or key", async () => {
    for (const args of [
      ["key", "list", "--org", "6f1c2d3e-4b5a-4c6d-8e7f-901234567890"],
      ["key", "create", "--org", "6f1c2d3e-4b5a-4c6d-8e7f-901234567890", "--role", "viewer"],
      ["key", "revoke", "6f1c2d3e-4b5a-4c6d-8e7f-901234567890"],
    ]) {
      const run = await tidings(args);
      expect([run.code, run.stdout], args.join(" ")).toEqual([1, ""]);
      expect(run.stderr).toMatch(/^tidings: no (organisation|API key) with id 6f1c2d3e-4b5a-4c6d-8e7f-901234567890\n$/);
    }
  });
});

describe("the tidings command line", () => {
  it.each([
    [["org", "create"], /--name is required/],
    [["org", "create", "--name", "X", "--from-email", "not-an-address"], /--from-email must be an email address/],
    [["key", "create", "--org", "nope", "--role", "viewer"], /--org must be an id/],
    [["key", "create", "--org", "6f1c2d3e-4b5a-4c6d-8e7f-901234567890", "--role", "owner"], /--role must be one of ingest, viewer, editor, admin/],
    [["key", "create", "--org", "6f1c2d3e-4b5a-4c6d-8e7f-901234567890", "--role", "viewer", "--expires", "soon"], /--expires must be an ISO time/],
    [["key", "create", "--org", "6f1c2d3e-4b5a-4c6d-8e7f-901234567890", "--role", "viewer", "--expires", "2020-01-01"], /--expires must be in the future/],
    [["key", "list"], /--org is required/],
    [["key", "list", "--org", "6f1c2d3e-4b5a-4c6d-8e7f-901234567890", "--colour"], /Unknown option '--colour'/],
    [["key", "revoke"], /takes 1 argument/],
    [["key", "rotate", "x"], /unknown command "key rotate"/],
    [["orgs"], /unknown command "orgs"/],
    [[], /no command given/],
  ])("refuses %j with exit code 2 and one line on stderr", async (args, message) => {
    const run = await tidings(args);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/^tidings: [^\n]+\n$/);
  });

  it("answers --help for every command, group and the whole tool, on stdout with exit code 0, touching no database", async () => {
    for (const args of [
      ["--help"],
      ["org", "--help"],
      ["key", "-h"],
      ["org", "create", "--help"],
      ["key", "create", "--help"],
      ["key", "list", "--help"],
      ["key", "revoke", "--help"],
    ]) {
      const run = await tidings(args, null);
      expect(run.code, `${args.join(" ")}: ${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(/Usage: tidings|Commands:/);
      expect(run.stderr).toBe("");
    }
    expect((await tidings(["key", "create", "--help"], null)).stdout).toContain("--expires");
  });

  it("says DATABASE_URL is missing with exit code 2, and an unreachable database with exit code 1", async () => {
    const missing = await tidings(["key", "list", "--org", "6f1c2d3e-4b5a-4c6d-8e7f-901234567890"], null);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringMatching(/^tidings: DATABASE_URL is not set/)]);
    const unreachable = await tidings(["key", "list", "--org", "6f1c2d3e-4b5a-4c6d-8e7f-901234567890"], "postgres://postgres@127.0.0.1:1/none");
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^tidings: cannot reach the database at 127\.0\.0\.1:1: [^\n]+\n$/);
  });
});

describe("an organisation made with the CLI, served by the Worker", () => {
  const service = { url: "", stop: async () => {} };

  beforeAll(async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "tidings-cli-"));
    await mkdir(path.join(root, "test-output"), { recursive: true });
    const stack = await startLocalStack({
      root,
      database: { url: database.url },
      vars: {
        EMAIL_PROVIDERS: "capture",
        SECRETS_KEY: randomBytes(32).toString("base64"),
        TOKEN_SIGNING_KEYS: `c1:${randomBytes(32).toString("base64url")}`,
        // The CLI writes to the database, not through the Worker: with the isolate's key look-ups
        // kept (5 s by default) its revocation would land within that bound, which
        // test/platform/api-key-cache.test.ts proves with a controlled clock. Here: on the next request.
        API_KEY_CACHE_SECONDS: "0",
      },
      persistTo: path.join(dir, "state"),
      output: { file: path.join(root, "test-output", "cli-wrangler.log") },
    });
    Object.assign(service, {
      url: stack.url,
      stop: async () => {
        await stack.stop();
        await rm(dir, { recursive: true, force: true });
      },
    });
  }, 180_000);

  afterAll(async () => {
    await service.stop();
  }, 60_000);

  const api = async (method: string, route: string, key: string, body?: unknown) => {
    const res = await fetch(`${service.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as { error?: { code: string } } & Record<string, unknown> };
  };

  it("takes the new admin key to set up an event type, an ingest key to post an event (202), and refuses the ingest key with 401 KEY_REVOKED once the CLI revoked it", async () => {
    const org = await json<OrgCreated>(["org", "create", "--name", "Served Co", "--from-email", "notifications@served.example"]);
    const template = await api("POST", "/v1/templates", org.apiKey, {
      key: "welcome",
      subject: "Welcome, {{ data.name }}",
      html: "{% block content %}<p>Hello {{ data.name }}</p>{% endblock %}",
      requiredVariables: ["name"],
      sampleData: { name: "Ada" },
    });
    expect(template.status, JSON.stringify(template.body)).toBe(201);
    const published = await api("POST", `/v1/templates/${template.body.id}/versions/1/publish`, org.apiKey);
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    const eventType = await api("PUT", "/v1/event-types/user.welcome", org.apiKey, { category: "account", template: "welcome" });
    expect(eventType.status, JSON.stringify(eventType.body)).toBe(200);

    const ingest = await json<KeyView>(["key", "create", "--org", org.organizationId, "--role", "ingest"]);
    const event = { type: "user.welcome", recipients: [{ id: "u1", email: "ada@example.com" }], data: { name: "Ada" } };
    const accepted = await api("POST", "/v1/events", ingest.key ?? "", event);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);

    expect((await tidings(["key", "revoke", ingest.id])).code).toBe(0);
    const refused = await api("POST", "/v1/events", ingest.key ?? "", event);
    expect([refused.status, refused.body.error?.code]).toEqual([401, "KEY_REVOKED"]);
  }, 60_000);
});
