import { decideNotifications, recordDecisions } from "../decide/decide";
import { recipientLinks } from "../recipient-pages/links";
import { renderNotification, SYSTEM_BASE_LAYOUT } from "../render";
import { brandingValues } from "../render/branding";
import { messageOf } from "../platform/log";
import type { Services } from "../services";
import { type ClaimedNotification, claimNotifications } from "./claim";
import { err, ok } from "../platform/result";
import type { Composed, MailKind } from "./mail";
import { dropContentOfFinishedEvents } from "./drop-content";
import { recordOutcomes } from "./record";

/** A notification: one event's email to one of its recipients. */
export const notificationMail: MailKind<ClaimedNotification> = {
  table: "notifications",
  noun: "notification",

  async claim(services, jobs) {
    const { claimed, unreadable } = await claimNotifications(
      services.db,
      jobs.map((j) => j.id),
      services.env.SEND_LEASE_SECONDS,
      await services.keys.sealing(),
      services.clock.now(),
    );
    // A key missing from the deployment (SECRETS_KEY_PREVIOUS dropped before the re-seal job ran)
    // is an operator's fix away: retry, and the lapsed-claim limit fails the email if it never comes.
    for (const u of unreadable) services.log.error("a notification's sealed personal data did not open", { notificationId: u.id, reason: u.error });
    return { claimed, later: new Map(unreadable.map((u) => [u.id, { retry: true, delaySeconds: services.env.RETRY_BASE_SECONDS }])) };
  },

  async decide(services, claimed) {
    // Opted out (skipped) and digest items (batched) are written here and never reach a provider.
    const decisions = await decideNotifications(services, claimed);
    const landed = await recordDecisions(services.db, claimed, decisions);
    await dropUnretainedContent(
      services,
      claimed.filter((n) => landed.has(n.id) && decisions.get(n.id)?.action === "skip"),
    );
    return claimed.filter((n) => decisions.get(n.id)?.action === "send");
  },

  compose: composeNotification,

  async record(services, outcomes) {
    const landed = await recordOutcomes(services.db, outcomes);
    // A `queued` outcome comes back for another round and still needs the data.
    await dropUnretainedContent(
      services,
      outcomes.filter((o) => landed.has(o.mail.id) && o.next.status !== "queued").map((o) => o.mail),
    );
  },
};

/**
 * Event types that keep no content lose their event's data as soon as its mail is finished. Mail
 * of other types costs no statement. A failure here only leaves the data to the retention job: it
 * must not fail the recording of what a provider already accepted.
 */
async function dropUnretainedContent(services: Services, finished: ClaimedNotification[]): Promise<void> {
  const eventIds = finished.filter((n) => !n.retainContent).map((n) => n.eventId);
  if (eventIds.length === 0) return;
  try {
    await dropContentOfFinishedEvents(services.db, eventIds, services.clock.now());
  } catch (e) {
    services.log.warn("dropping the content of sent mail failed; the retention job will empty it", { count: eventIds.length, error: messageOf(e) });
  }
}

async function composeNotification(services: Services, n: ClaimedNotification): Promise<Composed> {
  const { template } = n;
  // Footer links and RFC 8058 one-click headers; critical mail gets neither.
  const { links, headers } = await recipientLinks(services, {
    organizationId: n.organizationId,
    recipientId: n.recipientId,
    category: n.category,
    critical: n.critical,
    branding: n.organization.branding,
  });
  const rendered = await renderNotification({
    base: SYSTEM_BASE_LAYOUT,
    branding: { layout: n.layout, values: brandingValues(n.organization.name, n.organization.branding) },
    template: {
      id: template.id,
      version: template.version,
      defaultLocale: template.defaultLocale,
      subject: template.subject,
      html: template.html,
      text: template.text,
      locales: template.locales,
    },
    recipient: { email: n.recipient.email, name: n.recipient.name, locale: n.recipient.locale, timezone: n.recipient.timezone, textOnly: n.recipient.textOnly },
    data: n.data,
    links,
  });
  if (!rendered.ok) {
    const where = rendered.error.context.line ? ` (${rendered.error.context.part} line ${rendered.error.context.line})` : "";
    return err(`template ${template.templateId} v${template.version} failed to render${where}: ${rendered.error.message}`);
  }
  const r = rendered.value;
  return ok({
    notificationId: n.id,
    organizationId: n.organizationId,
    to: { email: n.recipient.email, ...(n.recipient.name ? { name: n.recipient.name } : {}) },
    from: { email: n.organization.fromEmail, ...(n.organization.fromName ? { name: n.organization.fromName } : {}) },
    ...(n.organization.replyTo ? { replyTo: { email: n.organization.replyTo } } : {}),
    subject: r.subject,
    ...(r.html === undefined ? {} : { html: r.html }),
    text: r.text,
    headers,
  });
}
