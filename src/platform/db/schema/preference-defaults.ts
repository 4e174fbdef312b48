import { boolean, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { DigestSchedule } from "../../../decide/preferences/model";
import { id, timestamps } from "./_columns";
import { organizations } from "./organizations";
import { deliveryModes } from "./preferences";

/**
 * What an organisation chooses for a category where a recipient has not; `locked` makes the
 * recipient's own choice for that category ignored (account and billing mail, say).
 */
export const preferenceDefaults = pgTable(
  "preference_defaults",
  {
    id: id(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    category: text("category").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    delivery: text("delivery", { enum: deliveryModes }).notNull().default("immediate"),
    digest: jsonb("digest").$type<DigestSchedule>(),
    locked: boolean("locked").notNull().default(false),
    ...timestamps,
  },
  (t) => [uniqueIndex("preference_defaults_organization_category_idx").on(t.organizationId, t.category)],
);
