import { randomUUID } from "node:crypto";
import { email, label, required } from "../args.mjs";
import { insertApiKey } from "../api-keys.mjs";
import { inTransaction, recordAudit, withDatabase } from "../database.mjs";

/** RFC 2606's reserved domain: mail "from" it goes nowhere, so nobody sends as a real stranger until they set their own. */
const PLACEHOLDER_FROM = "notifications@example.com";

/** @type {import("./index.mjs").Command} */
export const orgCreate = {
  usage: "tidings org create --name <name> [--from-email <address>] [--json]",
  summary: "Create an organisation and its first admin API key",
  details: `Prints the organisation's id and its admin key. The key is shown this once: only its SHA-256 is
stored. Without --from-email the sender is ${PLACEHOLDER_FROM}; set the real one later with
PATCH /v1/organization. Writes organization.create and api_key.create to the audit log (actor "cli").`,
  options: { name: { type: "string" }, "from-email": { type: "string" } },
  positionals: 0,
  async run({ values }) {
    const name = label(required(values, "name"), "--name");
    const given = values["from-email"];
    const fromEmail = typeof given === "string" ? email(given.trim()) : PLACEHOLDER_FROM;
    return withDatabase((client) =>
      inTransaction(client, async () => {
        const organizationId = randomUUID();
        await client.query("INSERT INTO organizations (id, name, from_email, from_name) VALUES ($1, $2, $3, $2)", [organizationId, name, fromEmail]);
        await recordAudit(client, { organizationId, action: "organization.create", targetType: "organization", targetId: organizationId, details: { name, fromEmail } });
        const { row, key } = await insertApiKey(client, { organizationId, name: "first admin key", role: "admin", expiresAt: null });
        return {
          json: { organizationId, apiKeyId: row.id, apiKey: key },
          text: `Created organisation "${name}" (id ${organizationId}), sending as ${fromEmail}.
Its first admin API key (id ${row.id}), shown this once; only its SHA-256 is stored:

  ${key}
`,
        };
      }),
    );
  },
};
