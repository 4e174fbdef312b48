import { type SQL, sql } from "drizzle-orm";

/**
 * Every place the organisation's mail takes its category from, as rows (category, critical): each
 * event type's own fields and each active rule's. A rule may name a category no event type has,
 * and recipients must be able to choose it all the same.
 */
export const categoryUses = (organizationId: string): SQL => sql`(
  SELECT category, critical FROM event_types WHERE organization_id = ${organizationId}::uuid
  UNION ALL
  SELECT category, critical FROM notification_rules WHERE organization_id = ${organizationId}::uuid AND archived_at IS NULL
) AS uses`;
