import { boolean, integer, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";
import { organizations } from "./organizations";

/**
 * One entry of an organisation's ordered provider list. `credentials` is the provider's config as
 * JSON, sealed with AES-GCM (see src/platform/crypto/sealed-box.ts): a database dump alone gives no keys away.
 */
export const providerConfigs = pgTable(
  "provider_configs",
  {
    id: id(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    provider: text("provider").notNull(),
    credentials: text("credentials").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    ...timestamps,
  },
  (t) => [uniqueIndex("provider_configs_organization_position_idx").on(t.organizationId, t.position)],
);
