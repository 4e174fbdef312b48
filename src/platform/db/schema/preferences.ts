import { boolean, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { DigestSchedule } from "../../../decide/preferences/model";
import { id, timestamps } from "./_columns";
import { organizations } from "./organizations";
import { recipients } from "./recipients";

export const deliveryModes = ["immediate", "digest"] as const;

/**
 * A recipient's own choices for one category. Every setting is nullable: null means "not chosen",
 * so the organisation's default keeps applying to it (and follows when the default changes).
 */
export const preferences = pgTable(
  "preferences",
  {
    id: id(),
    organizationId: uuid("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    recipientId: uuid("recipient_id")
      .notNull()
      .references(() => recipients.id, { onDelete: "cascade" }),
    category: text("category").notNull(),
    enabled: boolean("enabled"),
    delivery: text("delivery", { enum: deliveryModes }),
    /** Validated by the zod `DigestSchedule` on every write. */
    digest: jsonb("digest").$type<DigestSchedule>(),
    ...timestamps,
  },
  (t) => [uniqueIndex("preferences_recipient_category_idx").on(t.recipientId, t.category)],
);
