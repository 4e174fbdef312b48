import { z } from "@hono/zod-openapi";
import { ProviderSettings } from "../../providers/config";

export const PutProvidersBody = z
  .object({
    providers: z.array(ProviderSettings).max(5).openapi({ description: "Tried in this order; an empty list falls back to the service's defaults" }),
  })
  .openapi("PutProvidersBody");

export const ProviderEntry = z.object({
  id: z.string().uuid(),
  position: z.number().int(),
  provider: z.string(),
  enabled: z.boolean(),
  settings: z.record(z.string(), z.unknown()).openapi({ description: "Secrets are shown only by their last four characters" }),
});

export const ProvidersView = z
  .object({ providers: z.array(ProviderEntry), usingDefaults: z.boolean() })
  .openapi("Providers");
export type ProvidersView = z.infer<typeof ProvidersView>;
