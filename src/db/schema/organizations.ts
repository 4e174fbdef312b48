import { pgTable, text } from "drizzle-orm/pg-core";
import { id, timestamps } from "./_columns";

export const organizations = pgTable("organizations", {
  id: id(),
  name: text("name").notNull(),
  fromEmail: text("from_email").notNull(),
  fromName: text("from_name"),
  replyTo: text("reply_to"),
  /** The domain mail is sent from; DKIM signatures use it as d=. */
  sendingDomain: text("sending_domain"),
  dkimSelector: text("dkim_selector"),
  /** PKCS#8 PEM private key, sealed like provider credentials. */
  dkimPrivateKey: text("dkim_private_key"),
  ...timestamps,
});
