import type { FieldError } from "../platform/errors";
import type { ProviderSettings } from "./config";

/** The providers' own API hosts: an organisation's settings may point nowhere else. */
const OWN_HOSTS: Record<"sendgrid" | "mailgun", string[]> = {
  sendgrid: ["api.sendgrid.com", "api.eu.sendgrid.com"],
  mailgun: ["api.mailgun.net", "api.eu.mailgun.net"],
};
const SES_HOST = /^email(-fips)?\.[a-z]{2}(-[a-z]+)+-\d\.amazonaws\.com(\.cn)?$/;
/** Submission and relay ports; anything else is a port scan waiting to happen. */
const SMTP_PORTS = new Set([25, 465, 587, 2525]);

/**
 * Where an organisation's provider settings may send its mail (and whose answers end up in its
 * delivery history). Only the providers' own https hosts, and SMTP to public addresses on mail
 * ports, unless the deployment lists more in PROVIDER_EXTRA_HOSTS (tests and local fakes do).
 * The development provider exists only with DEV_MODE.
 */
export type HostPolicy = { extraHosts: string[]; devMode: boolean };

export const hostPolicy = (env: { PROVIDER_EXTRA_HOSTS?: string | undefined; DEV_MODE: boolean }): HostPolicy => ({
  extraHosts: (env.PROVIDER_EXTRA_HOSTS ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean),
  devMode: env.DEV_MODE,
});

/** Problems with one organisation's settings for one provider, with the field each concerns; none when usable. */
export function checkProviderHosts(settings: ProviderSettings, policy: HostPolicy, path = ""): FieldError[] {
  const at = (field: string) => (path ? `${path}.${field}` : field);
  switch (settings.provider) {
    case "sendgrid":
    case "mailgun":
      return checkUrl(settings.baseUrl, OWN_HOSTS[settings.provider], policy, at("baseUrl"));
    case "ses":
      return settings.endpoint ? checkUrl(settings.endpoint, [], policy, at("endpoint"), SES_HOST) : [];
    case "smtp":
      return checkSmtp(settings.host, settings.port, policy, at);
    case "capture":
      return policy.devMode ? [] : [{ path: at("provider"), message: "capture keeps mail instead of sending it; it exists only with DEV_MODE" }];
  }
}

const allowedExtra = (host: string, port: string, policy: HostPolicy) => policy.extraHosts.includes(host) || policy.extraHosts.includes(`${host}:${port}`);

function checkUrl(value: string, own: string[], policy: HostPolicy, path: string, pattern?: RegExp): FieldError[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [{ path, message: "not a URL" }];
  }
  const host = url.hostname.toLowerCase();
  if (allowedExtra(host, url.port, policy)) return [];
  if (url.protocol !== "https:" || url.username || url.password || (url.port !== "" && url.port !== "443"))
    return [{ path, message: "must be https on the provider's own host, without credentials or a port" }];
  if (own.includes(host) || pattern?.test(host)) return [];
  return [{ path, message: `must be the provider's own API host${own.length ? ` (${own.join(" or ")})` : ""}` }];
}

function checkSmtp(host: string, port: number, policy: HostPolicy, at: (field: string) => string): FieldError[] {
  const name = host.toLowerCase().replace(/^\[|\]$/g, "");
  if (allowedExtra(name, String(port), policy)) return [];
  const errors: FieldError[] = [];
  if (!SMTP_PORTS.has(port)) errors.push({ path: at("port"), message: "must be 25, 465, 587 or 2525" });
  if (isPrivateHost(name)) errors.push({ path: at("host"), message: "must be a public mail server, not a private, loopback or link-local address" });
  return errors;
}

/** Literal addresses in private, loopback, link-local, shared or unspecified ranges, and local names. */
export function isPrivateHost(host: string): boolean {
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local") || host.endsWith(".internal") || (!host.includes(".") && !host.includes(":"))) return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127) ||
      a >= 224
    );
  }
  if (host.includes(":")) {
    const h = host.toLowerCase();
    return h === "::" || h === "::1" || h.startsWith("fc") || h.startsWith("fd") || h.startsWith("fe80") || h.startsWith("::ffff:");
  }
  return false;
}
