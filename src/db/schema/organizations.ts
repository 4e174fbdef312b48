import { pgTable, text } from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";

export const organizations = pgTable("organizations", {
  id: id(),
  name: text("name").notNull(),
  fromEmail: text("from_email").notNull(),
  fromName: text("from_name"),
  replyTo: text("reply_to"),
  ...timestamps,
});
