import { z } from "@hono/zod-openapi";

/** The README's example template, shown in the API reference for creating and editing one. */
const INVOICE_TEMPLATE = {
  subject: "Invoice {{ data.number }} paid",
  html: '{% block content %}<h1>Thanks, {{ recipient.name | default: "there" }}</h1><p>We received {{ data.amount | currency: "EUR" }} on {{ data.paidAt | local_date }}.</p>{% endblock %}',
  requiredVariables: ["number", "amount", "paidAt"],
  sampleData: { number: "F-1042", amount: 129.5, paidAt: "2026-11-27T10:00:00Z" },
  locales: { de: { subject: "Rechnung {{ data.number }} bezahlt", html: "{% block content %}<h1>Danke!</h1>{% endblock %}" } },
};

const LocaleTag = z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, "must be a BCP 47 tag like en or pt-BR");

export const TemplateContent = z
  .object({
    subject: z.string().min(1).max(1000),
    html: z.string().min(1).max(200_000),
    text: z.string().max(200_000).nullish().openapi({ description: "Hand-written text part; generated from the HTML when absent" }),
    defaultLocale: LocaleTag.default("en"),
    locales: z
      .record(LocaleTag, z.object({ subject: z.string().min(1), html: z.string().min(1), text: z.string().nullish() }))
      .default({})
      .openapi({ description: "Translations by locale; a recipient's locale falls back to its language, then to the default" }),
    requiredVariables: z.array(z.string().min(1)).default([]).openapi({ description: "Paths into the event data that must exist, e.g. task.title" }),
    sampleData: z.record(z.string(), z.unknown()).default({}).openapi({ description: "Used by preview and by publish's checks" }),
  })
  .openapi("TemplateContent", { example: INVOICE_TEMPLATE });
export type TemplateContent = z.infer<typeof TemplateContent>;

export const CreateTemplateBody = TemplateContent.extend({
  key: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, "lower-case letters, digits, . _ - (e.g. comment.created)"),
  name: z.string().max(200).optional(),
}).openapi("CreateTemplateBody", { example: { key: "invoice.paid", name: "Invoice paid", ...INVOICE_TEMPLATE } });

export const VersionView = TemplateContent.extend({
  version: z.number().int(),
  createdAt: z.string(),
  publishedAt: z.string().nullable(),
  published: z.boolean(),
}).openapi("TemplateVersion", {
  // Its own example: otherwise it would show TemplateContent's, which has no version fields.
  example: { ...INVOICE_TEMPLATE, defaultLocale: "en", version: 2, createdAt: "2026-11-27T10:00:00.000Z", publishedAt: null, published: false },
});

export const TemplateView = z
  .object({
    id: z.string().uuid(),
    key: z.string(),
    name: z.string().nullable(),
    publishedVersion: z.number().int().nullable(),
    latestVersion: z.number().int(),
    versions: z.array(VersionView).optional(),
  })
  .openapi("Template");
export type TemplateView = z.infer<typeof TemplateView>;

export const PreviewBody = z
  .object({
    version: z.number().int().positive().optional().openapi({ description: "Defaults to the latest version" }),
    data: z.record(z.string(), z.unknown()).optional().openapi({ description: "Defaults to the version's sample data" }),
    locale: LocaleTag.optional(),
    recipient: z.object({ name: z.string().optional(), email: z.email().optional(), timezone: z.string().optional() }).optional(),
  })
  .openapi("PreviewBody", {
    example: { data: { number: "F-7", amount: 10, paidAt: "2026-11-27T10:00:00Z" }, locale: "de", recipient: { name: "Ada", email: "ada@example.com", timezone: "Europe/Berlin" } },
  });

export const PreviewView = z.object({ subject: z.string(), html: z.string(), text: z.string() }).openapi("Preview");

export const TemplateParams = z.object({
  id: z
    .string()
    .uuid()
    .openapi({ param: { name: "id", in: "path" } }),
});
export const VersionParams = TemplateParams.extend({
  v: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: "v", in: "path" } }),
});
