import type { Env } from "../../env";
import { err, ok, type Result } from "../../platform/result";
import { createFetchCertificateFetcher } from "./certificate-fetcher";
import type { CertificateFetcher } from "./webhook-verify";

/** What the SES route fetches from AWS, injectable so tests can serve both from a local server. */
export type SnsDeps = { certificates: CertificateFetcher; fetch: typeof fetch };

/**
 * Production fetches AWS directly. Under test (DEV_MODE and SNS_FETCH_ORIGIN both set) the same
 * vetted AWS URL is fetched from `${SNS_FETCH_ORIGIN}/${host}${path}` instead: the URL checks
 * still run against the AWS URL, only the socket goes elsewhere. A binding was chosen over
 * swapping the route's dependencies because route tests enter through the real Worker (SELF),
 * where nothing else can reach in; DEV_MODE is never on in production, so one stray variable
 * there cannot send certificate fetches to another host.
 */
export function snsDeps(env: Pick<Env, "DEV_MODE" | "SNS_FETCH_ORIGIN">): SnsDeps {
  const origin = env.DEV_MODE ? env.SNS_FETCH_ORIGIN?.replace(/\/$/, "") : undefined;
  const fetchImpl: typeof fetch = origin
    ? (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        return fetch(`${origin}/${url.host}${url.pathname}${url.search}`, init);
      }
    : (input, init) => fetch(input, init);
  return { certificates: createFetchCertificateFetcher(fetchImpl), fetch: fetchImpl };
}

const AWS_SNS_HOST = /^sns\.[a-z0-9-]{3,}\.amazonaws\.com(\.cn)?$/;

/** A SubscribeURL is fetched by us: only SNS's own https endpoint, or a signed message could make us call anywhere. */
export function checkSubscribeUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "The SubscribeURL is not a URL.";
  }
  if (url.protocol !== "https:") return "The SubscribeURL must be https.";
  if (!AWS_SNS_HOST.test(url.hostname) || url.port !== "" || url.username !== "") return "The SubscribeURL is not on an sns.<region>.amazonaws.com host.";
  return undefined;
}

/** Confirms a subscription by fetching its SubscribeURL; redirects are not followed, for the same reason. */
export async function confirmSubscription(deps: SnsDeps, subscribeUrl: string): Promise<Result<void, { message: string }>> {
  try {
    const response = await deps.fetch(subscribeUrl, { redirect: "manual", signal: AbortSignal.timeout(5_000) });
    await response.body?.cancel();
    return response.status === 200 ? ok(undefined) : err({ message: `SNS answered ${response.status} to the confirmation` });
  } catch (e) {
    return err({ message: `SNS unreachable: ${e instanceof Error ? e.message : String(e)}` });
  }
}
