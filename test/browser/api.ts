import { inject, vi } from "vitest";

type Captured = { to: { email: string }; html: string; text: string; headers: Record<string, string>; notificationId: string };

const base = () => inject("serviceUrl");
const auth = () => ({ authorization: `Bearer ${inject("apiKey")}` });

async function json<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${base()}${path}`, { ...init, headers: { ...auth(), "content-type": "application/json", ...init.headers } });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** Posts a demo `comment.created` event for one recipient and returns its notification id. */
export async function postComment(recipient: { id: string; email: string }, task = "Ship v1"): Promise<string> {
  const body = { type: "comment.created", recipients: [{ ...recipient, name: "Ada" }], data: { author: "Grace", task, comment: "Looks good", url: "https://example.com/t/1" } };
  const res = await json<{ notifications: { id: string }[] }>("/v1/events", { method: "POST", body: JSON.stringify(body) });
  return res.notifications[0]?.id ?? "";
}

/** Polls the notification API until the notification leaves the states of a send in progress. */
export async function settledStatus(id: string): Promise<string> {
  return vi.waitFor(
    async () => {
      const { status } = await json<{ status: string }>(`/v1/notifications/${id}`);
      if (["pending", "queued", "sending"].includes(status)) throw new Error(`notification ${id} is still ${status}`);
      return status;
    },
    { timeout: 30_000, interval: 250 },
  );
}

/** The capture provider's copy of the newest email to `email`. */
export async function capturedEmail(email: string): Promise<Captured> {
  const { messages } = await json<{ messages: Captured[] }>("/dev/outbox?limit=1000");
  const found = messages.find((m) => m.to.email === email);
  if (!found) throw new Error(`no captured email to ${email}`);
  return found;
}

export type CategoryView = { category: string; enabled: boolean; delivery: string; digest: { kind: string } };

export async function preferencesOf(recipientId: string) {
  return json<{ unsubscribedAll: boolean; categories: CategoryView[] }>(`/v1/recipients/${encodeURIComponent(recipientId)}/preferences`);
}
