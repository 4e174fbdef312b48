import { z } from "@hono/zod-openapi";
import { ProviderSettings } from "../providers/config";

export const PutProvidersBody = z
  .object({
    providers: z
      .array(
        z
          .object({
            id: z.string().uuid().optional().openapi({ description: "The configuration this entry edits (from GET /v1/providers); its id, and so its webhook URL, stays" }),
          })
          .and(ProviderSettings),
      )
      .max(5)
      .openapi({
        description: "Tried in this order; an empty list falls back to the service's defaults. An entry without an id edits the configuration of the same kind at its place",
      }),
  })
  .openapi("PutProvidersBody", {
    example: {
      providers: [
        { provider: "sendgrid", apiKey: "SG.xxxx", webhookPublicKey: "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE…" },
        { provider: "mailgun", apiKey: "key-xxxx", domain: "mg.example.com", baseUrl: "https://api.eu.mailgun.net" },
        { provider: "smtp", host: "smtp.example.com", port: 587, startTls: true, username: "tidings", password: "xxxx" },
      ],
    },
  });

export const ProviderEntry = z.object({
  id: z.string().uuid(),
  position: z.number().int(),
  provider: z.string(),
  enabled: z.boolean(),
  settings: z.record(z.string(), z.unknown()).openapi({ description: "Secrets are shown only by their last four characters" }),
});

export const ProvidersView = z.object({ providers: z.array(ProviderEntry), usingDefaults: z.boolean() }).openapi("Providers");
export type ProvidersView = z.infer<typeof ProvidersView>;

export const ProviderHealthEntry = z
  .object({
    id: z.string().uuid().nullable().openapi({ description: "The configuration's id; null for the environment's providers" }),
    provider: z.string(),
    position: z.number().int(),
    enabled: z.boolean(),
    circuit: z.enum(["closed", "open", "half-open"]).openapi({
      description:
        "The circuit breaker: open skips the provider until openUntil; half-open lets the next send through as a probe. The environment's circuits are shared by every organisation using them",
    }),
    openUntil: z.string().datetime().nullable(),
    lastFailureAt: z.string().datetime().nullable().openapi({ description: "The organisation's last retryable or configuration failure with this provider in the last 24 hours" }),
    attemptsLast24h: z.object({ accepted: z.number().int(), retryable: z.number().int(), permanent: z.number().int(), configuration: z.number().int() }).openapi({
      description:
        "The organisation's calls to this kind of provider in the last 24 hours, by outcome; digest emails are not included. Attempts name the provider kind, so two configurations of one kind show the same figures",
    }),
    latencyMs: z.object({ p50: z.number().int(), p95: z.number().int() }).nullable().openapi({ description: "Percentiles of those calls' durations; null without calls" }),
  })
  .openapi("ProviderHealthEntry");

export const ProvidersHealth = z.object({ providers: z.array(ProviderHealthEntry), usingDefaults: z.boolean() }).openapi("ProvidersHealth");
export type ProvidersHealth = z.infer<typeof ProvidersHealth>;
