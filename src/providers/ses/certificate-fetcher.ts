import { err, ok } from "../../platform/result";
import type { CertificateFetcher } from "./webhook-verify";

const MAX_PEM_BYTES = 64 * 1024;

/**
 * Fetches signing certificates over the network. Redirects are not followed: the URL was vetted
 * as an AWS host, and following a redirect would let the certificate come from anywhere.
 */
export function createFetchCertificateFetcher(fetchImpl: typeof fetch = (input, init) => fetch(input, init), timeoutMs = 5_000): CertificateFetcher {
  return {
    async fetchPem(url) {
      try {
        const response = await fetchImpl(url, { redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
        if (response.status !== 200) {
          await response.body?.cancel();
          return err({ message: `${url} answered ${response.status}` });
        }
        const text = await response.text();
        if (text.length > MAX_PEM_BYTES) return err({ message: `${url} is larger than a certificate` });
        return ok(text);
      } catch (e) {
        return err({ message: `${url} unreachable: ${String(e)}` });
      }
    },
  };
}
