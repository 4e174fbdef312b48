import type { RecipientLinks } from "../recipient-pages/links";
import { Liquid } from "liquidjs";
import { DIGEST_TEMPLATE, renderNotification, SYSTEM_BASE_LAYOUT } from "../render";
import { budgetRenderSteps } from "../render/budget";
import type { Branding } from "../render/branding";
import { err, ok } from "../platform/result";
import type { Composed } from "../send/mail";

/** One notification folded into a digest, with what its line in the email needs. */
export type DigestItem = { notificationId: string; type: string; data: Record<string, unknown>; at: Date; subjectTemplate: string | null };

export type DigestContext = {
  digestId: string;
  organizationId: string;
  category: string;
  kind: "window" | "daily" | "weekly";
  recipient: { email: string; name: string | null; locale: string | null; timezone: string | null; textOnly?: boolean };
  from: { email: string; name: string | null; replyTo: string | null };
  branding: Branding;
  items: DigestItem[];
};

/** The email lists this many items; the template's "and N more" covers the rest. */
export const DIGEST_LIST_LIMIT = 10;
/** Items handed to the template at all (it shows DIGEST_LIST_LIMIT): bounds render time for huge digests. */
const ITEMS_PASSED = 50;

// Isolate-scoped engine for item titles (each item's own subject line); it caches parsed subjects.
const titles = budgetRenderSteps(new Liquid({ cache: 500, ownPropertyOnly: true, strictFilters: false, strictVariables: false, parseLimit: 10_000, memoryLimit: 1_000_000 }));

const PERIOD = { window: "since your last digest", daily: "since yesterday's digest", weekly: "since last week's digest" } as const;

const isWebUrl = (v: unknown): v is string => typeof v === "string" && /^https?:\/\//i.test(v);
const text = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v : undefined);

/** An item's title is its own email's subject, rendered from the event data; the event type when that fails. */
async function itemTitle(item: DigestItem, recipient: DigestContext["recipient"]): Promise<string> {
  const own = text(item.data.title) ?? text(item.data.subject);
  if (own) return own;
  if (item.subjectTemplate) {
    try {
      const rendered = (await titles.parseAndRender(item.subjectTemplate, { data: item.data, recipient })).replace(/\s+/g, " ").trim();
      if (rendered) return rendered;
    } catch {
      // A subject that needs the full render pipeline's filters falls back to the type below.
    }
  }
  return item.type.replace(/[._]/g, " ");
}

/**
 * Renders the digest template (templates/digest.liquid) with the organisation's branding;
 * `unsubscribe` holds the footer links and one-click headers of the digest's category.
 */
export async function composeDigest(c: DigestContext, unsubscribe: RecipientLinks, now?: Date): Promise<Composed> {
  const counts = new Map<string, number>();
  for (const item of c.items) counts.set(item.type, (counts.get(item.type) ?? 0) + 1);
  const items = await Promise.all(
    c.items.slice(0, ITEMS_PASSED).map(async (item) => ({
      title: await itemTitle(item, c.recipient),
      summary: text(item.data.summary) ?? text(item.data.comment),
      url: isWebUrl(item.data.url) ? item.data.url : undefined,
      at: item.at.toISOString(),
      type: item.type,
    })),
  );
  const rendered = await renderNotification({
    base: SYSTEM_BASE_LAYOUT,
    branding: c.branding,
    template: { id: DIGEST_TEMPLATE.id, version: DIGEST_TEMPLATE.version, subject: DIGEST_TEMPLATE.subject, html: DIGEST_TEMPLATE.html },
    recipient: c.recipient,
    data: {
      title: `Your ${c.category} digest`,
      category: c.category,
      total: c.items.length,
      limit: DIGEST_LIST_LIMIT,
      period: PERIOD[c.kind],
      items,
      counts: [...counts].map(([type, count]) => ({ type, count })),
    },
    links: unsubscribe.links,
    ...(now ? { now } : {}),
  });
  if (!rendered.ok) return err(`digest template failed to render: ${rendered.error.message}`);
  return ok({
    notificationId: c.digestId,
    organizationId: c.organizationId,
    to: { email: c.recipient.email, ...(c.recipient.name ? { name: c.recipient.name } : {}) },
    from: { email: c.from.email, ...(c.from.name ? { name: c.from.name } : {}) },
    ...(c.from.replyTo ? { replyTo: { email: c.from.replyTo } } : {}),
    subject: rendered.value.subject,
    ...(rendered.value.html === undefined ? {} : { html: rendered.value.html }),
    text: rendered.value.text,
    headers: unsubscribe.headers,
  });
}
