import type { ApiKeyRole } from "../../src/platform/auth/api-key";
import { apiKeyRoles } from "../../src/platform/db/schema";
import { apiKeyId } from "../fixtures/audit";
import { postComment, waitForStatus } from "../fixtures/notifications";
import { createOrganization } from "../fixtures/organization";
import type { Known } from "./api-requests";

/** The sent comment's cancellation key, so DELETE /v1/events/cancel/{key} reaches its answer for mail already sent. */
const HOSTILE_CANCELLATION_KEY = "hostile-reminder";

/**
 * A fresh organisation for one route under attack, with a key of every role and one sent
 * notification, so hostile requests can name things that exist as well as things that do not.
 */
export async function organizationUnderAttack() {
  const org = await createOrganization("Hostile");
  const keys = Object.fromEntries(await Promise.all(apiKeyRoles.map(async (role) => [role, role === "admin" ? org.apiKey : await org.keyFor(role)]))) as Record<ApiKeyRole, string>;
  const recipientId = `user-${crypto.randomUUID()}`;
  const sent = await postComment(org.apiKey, undefined, { recipients: [{ id: recipientId, email: `${recipientId}@example.test` }], cancellationKey: HOSTILE_CANCELLATION_KEY });
  await waitForStatus(sent.notificationId, ["sent"]);
  // Ids of the keys that do not carry the attack, so rotating or revoking one reaches its success path
  // without locking the suite out (the admin key it uses is the last one, which cannot be revoked).
  const otherKeyIds = await Promise.all((["ingest", "viewer", "editor"] as const).map((role) => apiKeyId(keys[role])));
  const known: Known = {
    keys,
    pathValues: {
      id: [org.templateId, recipientId, sent.notificationId, ...otherKeyIds],
      type: ["comment.created", "security.alert"],
      key: ["default", "main", HOSTILE_CANCELLATION_KEY],
      v: ["1", "2"],
      email: [sent.email],
    },
  };
  return { org, known, recipientId, notificationId: sent.notificationId, email: sent.email };
}
