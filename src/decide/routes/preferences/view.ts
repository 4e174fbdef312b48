import type { Database } from "../../../platform/db/client";
import { resolveCategory } from "../../preferences/resolve";
import { listCategories, listChoices, listCriticalCategories, listDefaults } from "../../preferences/store";
import type { RecipientPreferencesView } from "./schema";

/** Every category the organisation uses, with the recipient's effective settings and where each came from. */
export async function buildRecipientView(
  db: Database,
  organizationId: string,
  recipient: { id: string; externalId: string; unsubscribedAt: Date | null; textOnly: boolean },
): Promise<RecipientPreferencesView> {
  const [categories, defaults, choices, critical] = await Promise.all([
    listCategories(db, organizationId),
    listDefaults(db, organizationId),
    listChoices(db, recipient.id),
    listCriticalCategories(db, organizationId),
  ]);
  const all = [...new Set([...categories, ...choices.map((c) => c.category)])].sort();
  return {
    recipientId: recipient.externalId,
    unsubscribedAll: recipient.unsubscribedAt !== null,
    textOnly: recipient.textOnly,
    categories: all.map((category) => {
      const choice = choices.find((c) => c.category === category);
      const effective = resolveCategory(
        defaults.find((d) => d.category === category),
        choice,
      );
      return {
        category,
        ...effective,
        critical: critical.has(category),
        choice: choice ? { enabled: choice.enabled ?? null, delivery: choice.delivery ?? null, digest: choice.digest ?? null } : null,
      };
    }),
  };
}
