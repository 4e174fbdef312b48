import { z } from "@hono/zod-openapi";
import { QuietHours } from "../../../decide/timing/quiet-hours-schema";
import { isTimeZone } from "../../../platform/time/time-zone";
import { Branding } from "../../../render/branding-schema";

const OrganizationQuietHours = QuietHours.nullable().openapi({
  description:
    "A daily window in each recipient's time zone (theirs, else the organisation's) during which non-critical mail waits and goes out when it ends; `start` after `end` spans midnight. Recipients may have their own (the event's recipient `quietHours`, `false` for none). null: no quiet hours",
  example: { start: "22:00", end: "07:00" },
});

// Both cases spelt out rather than an `i` flag: OpenAPI patterns carry no flags, and the document
// would publish the flag as part of the pattern.
const Hostname = z.string().regex(/^(?=.{1,253}$)([A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,63}$/, "must be a domain name like mail.example.com");

export const PatchOrganizationBody = z
  .object({
    name: z.string().min(1).max(200).optional(),
    fromEmail: z.email().optional(),
    fromName: z.string().max(200).nullable().optional(),
    replyTo: z.email().nullable().optional(),
    sendingDomain: Hostname.nullable().optional(),
    dkim: z
      .object({
        selector: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "must be a DKIM selector like tidings1"),
        privateKeyPem: z.string().includes("-----BEGIN PRIVATE KEY-----", { message: "must be a PKCS#8 PEM (BEGIN PRIVATE KEY)" }),
      })
      .nullable()
      .optional()
      .openapi({ description: "RSA key that signs mail sent through SES and SMTP; null removes it" }),
    branding: Branding.optional().openapi({
      description: "Logo, colour, footer, postal address, custom CSS, unsubscribe mailbox and page wording; fields given replace the stored ones",
    }),
    timezone: z
      .string()
      .refine(isTimeZone, "must be an IANA time zone like Europe/Paris")
      .optional()
      .openapi({ description: "For recipients without their own: daily and weekly digests go out at their hour in it, and analytics count days in it" }),
    quietHours: OrganizationQuietHours.optional(),
    retentionDays: z.number().int().min(1).max(3650).optional().openapi({
      description: "Days event data and provider event details are kept (default 30); after them the retention job empties them, keeping statuses, timestamps and counts",
    }),
  })
  .openapi("PatchOrganizationBody", {
    example: {
      fromEmail: "notifications@example.com",
      fromName: "Example",
      replyTo: "support@example.com",
      sendingDomain: "example.com",
      branding: { logoUrl: "https://example.com/logo.png", primaryColor: "#0f766e", postalAddress: "Example Ltd, 1 Main Street, London" },
      timezone: "Europe/London",
      quietHours: { start: "22:00", end: "07:00" },
    },
  });
export type PatchOrganizationBody = z.infer<typeof PatchOrganizationBody>;

export const OrganizationView = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    fromEmail: z.string(),
    fromName: z.string().nullable(),
    replyTo: z.string().nullable(),
    sendingDomain: z.string().nullable(),
    dkim: z.object({ selector: z.string(), configured: z.literal(true) }).nullable(),
    branding: z.record(z.string(), z.unknown()),
    timezone: z.string(),
    quietHours: OrganizationQuietHours,
    retentionDays: z.number().int(),
    sendingPaused: z.object({ since: z.string(), reason: z.string().nullable() }).nullable(),
  })
  .openapi("Organization");
export type OrganizationView = z.infer<typeof OrganizationView>;
