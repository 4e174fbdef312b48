import { and, eq } from "drizzle-orm";
import { type ApiKeyRole, keyState } from "../../platform/auth/api-key";
import { isReportZone } from "../analytics/range";
import type { Database } from "../../platform/db/client";
import { apiKeys, organizations } from "../../platform/db/schema";
import type { SessionClaims } from "./session-token";

/** Who is looking at the dashboard: the organisation every page is scoped to, and the key's role. */
export type SignedIn = {
  apiKeyId: string;
  role: ApiKeyRole;
  organization: { id: string; name: string; timeZone: string };
};

/** The roles that may open the dashboard: ingest keys post events and read nothing else. */
export const dashboardRoles: readonly ApiKeyRole[] = ["viewer", "editor", "admin"];

/**
 * The session's key and organisation, or undefined when the key was revoked, expired or deleted
 * since the sign-in. One query by primary key, on every dashboard request: revoking a key must end its
 * sessions at once, not twelve hours later.
 */
export async function loadSignedIn(db: Database, claims: SessionClaims, now: Date): Promise<SignedIn | undefined> {
  const [row] = await db
    .select({
      apiKeyId: apiKeys.id,
      role: apiKeys.role,
      revokedAt: apiKeys.revokedAt,
      expiresAt: apiKeys.expiresAt,
      organizationId: organizations.id,
      name: organizations.name,
      timeZone: organizations.timezone,
    })
    .from(apiKeys)
    .innerJoin(organizations, eq(organizations.id, apiKeys.organizationId))
    .where(and(eq(apiKeys.id, claims.apiKeyId), eq(apiKeys.organizationId, claims.organizationId)))
    .limit(1);
  // An expired key (a rotation's grace ran out) ends its sessions just as a revoked one does.
  if (!row || keyState(row, now) !== "active" || !dashboardRoles.includes(row.role)) return undefined;
  // A stored zone this runtime or PostgreSQL would misread must not make the overview unreadable.
  const timeZone = isReportZone(row.timeZone) ? row.timeZone : "UTC";
  return { apiKeyId: row.apiKeyId, role: row.role, organization: { id: row.organizationId, name: row.name, timeZone } };
}
