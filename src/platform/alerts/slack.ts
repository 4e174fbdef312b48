import { type Logger, messageOf } from "../log";
import type { AlertInput } from "./fire";

/** Slack's limits: a header's plain text is at most 150 characters, a section's text 3000. */
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export type SlackMessage = { text: string; blocks: Record<string, unknown>[] };

/**
 * Slack incoming-webhook JSON. `text` alone is what Mattermost, Discord's Slack endpoint and
 * notification previews show, so it carries the whole alert; `blocks` only lays it out.
 */
export function slackMessage(alert: AlertInput & { id: string }): SlackMessage {
  const scope = alert.organizationId ? `organisation ${alert.organizationId}` : "all organisations";
  const context = `${alert.kind} · ${scope}${alert.condition ? ` · ${alert.condition}` : ""} · alert ${alert.id}`;
  const details = alert.details && Object.keys(alert.details).length > 0 ? `\n\`\`\`${clip(JSON.stringify(alert.details, null, 2), 2500)}\`\`\`` : "";
  return {
    text: clip(`[Tidings] ${alert.subject}: ${alert.message}`, 3000),
    blocks: [
      { type: "header", text: { type: "plain_text", text: clip(alert.subject, 150) } },
      { type: "section", text: { type: "mrkdwn", text: clip(`${alert.message}${details}`, 3000) } },
      { type: "context", elements: [{ type: "mrkdwn", text: clip(context, 3000) }] },
    ],
  };
}

/** Posts one alert; never rejects, so it can be handed to `waitUntil` as it is. */
export async function postSlackMessage(url: string, message: SlackMessage, log: Logger, fetchImpl: typeof fetch = (i, init) => fetch(i, init)): Promise<void> {
  try {
    const response = await fetchImpl(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(5_000),
    });
    await response.body?.cancel();
    if (!response.ok) log.error("alert webhook refused", { status: response.status });
  } catch (e) {
    log.error("alert webhook unreachable", { error: messageOf(e) });
  }
}
