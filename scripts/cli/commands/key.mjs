import { expiry, label, oneOf, required, uuid } from "../args.mjs";
import { API_KEY_ROLES, insertApiKey, isLastAdminKey, keyView, listApiKeys, lockKeyAndSiblings, revokeApiKey } from "../api-keys.mjs";
import { inTransaction, withDatabase } from "../database.mjs";
import { Failure } from "../errors.mjs";
import { isoOrDash, table } from "../output.mjs";

/**
 * The organisation's name, or a Failure naming the id: an unknown organisation is not bad input
 * (the id is well formed) but a lookup that found nothing.
 * @param {import("pg").Client} client @param {string} organizationId
 */
async function organizationName(client, organizationId) {
  const { rows } = await client.query("SELECT name FROM organizations WHERE id = $1", [organizationId]);
  const name = rows[0]?.name;
  if (typeof name !== "string") throw new Failure(`no organisation with id ${organizationId}`);
  return name;
}

/** @type {import("./index.mjs").Command} */
export const keyCreate = {
  usage: "tidings key create --org <organisation id> --role <ingest|viewer|editor|admin> [--name <name>] [--expires <ISO time or span>] [--json]",
  summary: "Create an API key for an organisation",
  details: `--expires takes an ISO time (2027-01-31, 2027-01-31T12:00:00Z) or a span from now: 90m, 12h, 30d, 2w.
Without it the key works until revoked. --name defaults to "<role> key". The key is shown this once:
only its SHA-256 is stored. Writes api_key.create to the audit log (actor "cli").`,
  options: { org: { type: "string" }, role: { type: "string" }, name: { type: "string" }, expires: { type: "string" } },
  positionals: 0,
  async run({ values, now }) {
    const organizationId = uuid(required(values, "org"), "--org");
    const role = oneOf(required(values, "role"), "--role", API_KEY_ROLES);
    const name = typeof values.name === "string" ? label(required(values, "name"), "--name") : `${role} key`;
    const expiresAt = typeof values.expires === "string" ? expiry(values.expires.trim(), now) : null;
    return withDatabase((client) =>
      inTransaction(client, async () => {
        const organization = await organizationName(client, organizationId);
        const { row, key } = await insertApiKey(client, { organizationId, name, role, expiresAt });
        return {
          json: { organizationId, ...keyView(row, now), key },
          text: `Created ${role} key "${name}" (id ${row.id}) for ${organization}; it ${expiresAt ? `expires ${expiresAt.toISOString()}` : "does not expire"}.
The key, shown this once; only its SHA-256 is stored:

  ${key}
`,
        };
      }),
    );
  },
};

/** @type {import("./index.mjs").Command} */
export const keyList = {
  usage: "tidings key list --org <organisation id> [--json]",
  summary: "List an organisation's API keys (never the keys themselves)",
  details: "Newest first, revoked and expired keys included. --json prints what GET /v1/api-keys answers.",
  options: { org: { type: "string" } },
  positionals: 0,
  async run({ values, now }) {
    const organizationId = uuid(required(values, "org"), "--org");
    return withDatabase(async (client) => {
      const organization = await organizationName(client, organizationId);
      const keys = (await listApiKeys(client, organizationId)).map((k) => keyView(k, now));
      const rows = keys.map((k) => [k.id, k.prefix, k.role, k.status, k.expiresAt ?? "-", k.name]);
      return {
        json: { organizationId, keys },
        text:
          keys.length === 0
            ? `${organization} has no API keys.`
            : `${organization}: ${keys.length} API key${keys.length === 1 ? "" : "s"}\n\n${table(["ID", "PREFIX", "ROLE", "STATUS", "EXPIRES", "NAME"], rows)}`,
      };
    });
  },
};

/** @type {import("./index.mjs").Command} */
export const keyRevoke = {
  usage: "tidings key revoke <key id> [--force] [--json]",
  summary: "Revoke an API key at once",
  details: `The key answers 401 KEY_REVOKED from its next request and its dashboard sessions end. Revoking a
revoked key changes nothing. The organisation's last working admin key is refused, as through the
API, unless --force is given (create another admin key first). Writes api_key.revoke to the audit
log (actor "cli").`,
  options: { force: { type: "boolean" } },
  positionals: 1,
  async run({ values, positionals, now }) {
    const id = uuid(positionals[0] ?? "", "the key id");
    const forced = values.force === true;
    return withDatabase((client) =>
      inTransaction(client, async () => {
        const found = await lockKeyAndSiblings(client, id);
        if (!found) throw new Failure(`no API key with id ${id}`);
        const { target, others } = found;
        if (target.revoked_at) {
          return {
            json: { ...keyView(target, now), changed: false },
            text: `Key ${id} ("${target.name}") was already revoked at ${isoOrDash(target.revoked_at)}; nothing changed.`,
          };
        }
        if (isLastAdminKey(target, others, now) && !forced) {
          throw new Failure(
            `key ${id} is its organisation's last working admin key; create another first (tidings key create --org ${target.organization_id} --role admin) or pass --force`,
          );
        }
        const row = await revokeApiKey(client, target, now, forced);
        return { json: { ...keyView(row, now), changed: true }, text: `Revoked ${row.role} key "${row.name}" (id ${id}, prefix ${row.prefix}).` };
      }),
    );
  },
};
