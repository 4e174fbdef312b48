import type { ProviderEventRow } from "../../notifications/provider-events";
import type { ProviderEvent } from "./schema";

export const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const providerEventView = (e: ProviderEventRow): ProviderEvent => ({
  type: e.type,
  provider: e.provider,
  at: e.occurredAt.toISOString(),
  bounceKind: e.bounceKind,
  detail: e.detail,
});
