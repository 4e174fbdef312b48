import { and, eq } from "drizzle-orm";
import type { Database } from "../platform/db/client";
import { layouts, organizations } from "../platform/db/schema";
import type { BrandingValues, LayoutSource } from "./";
import { DEFAULT_PRIMARY_COLOUR, readBranding } from "./branding-schema";

export type Branding = { layout: LayoutSource | null; values: BrandingValues };

/** What layouts and templates see as `brand.*`: the stored branding, read leniently, with the defaults. */
export function brandingValues(name: string, stored: unknown): BrandingValues {
  const { logoUrl, primaryColor, footerText, postalAddress, customCss } = readBranding(stored);
  return {
    name,
    logoUrl: logoUrl ?? null,
    primaryColor: primaryColor ?? DEFAULT_PRIMARY_COLOUR,
    footerText: footerText ?? null,
    postalAddress: postalAddress ?? null,
    customCss: customCss ?? null,
  };
}

/** The organisation's branding layout (null: the built-in one) and branding values, in one query. */
export async function loadBranding(db: Database, organizationId: string): Promise<Branding> {
  const [row] = await db
    .select({ name: organizations.name, branding: organizations.branding, layoutId: layouts.id, layoutVersion: layouts.version, source: layouts.source })
    .from(organizations)
    .leftJoin(layouts, and(eq(layouts.organizationId, organizations.id), eq(layouts.key, "branding")))
    .where(eq(organizations.id, organizationId));
  if (!row) throw new Error(`organisation ${organizationId} not found`);
  const layout = row.layoutId && row.source !== null && row.layoutVersion !== null ? { id: row.layoutId, version: row.layoutVersion, source: row.source } : null;
  return { layout, values: brandingValues(row.name, row.branding) };
}
