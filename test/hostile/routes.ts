/** The recipients' pages: not in the OpenAPI document (they are HTML), attacked all the same. */
export const RECIPIENT_PAGE_ROUTES = [
  ["GET", "/u/:token"],
  ["POST", "/u/:token"],
  ["GET", "/p/:token"],
  ["POST", "/p/:token"],
] as const;

/** The operators' dashboard: HTML outside the OpenAPI document, attacked all the same. */
export const DASHBOARD_ROUTES = [
  ["GET", "/dashboard"],
  ["GET", "/dashboard/login"],
  ["POST", "/dashboard/login"],
  ["POST", "/dashboard/logout"],
  ["GET", "/dashboard/recipients"],
  ["GET", "/dashboard/suppressions"],
  ["GET", "/dashboard/audit"],
  ["GET", "/dashboard/notifications/:id"],
  ["GET", "/dashboard/templates"],
  ["GET", "/dashboard/templates/:id"],
  ["POST", "/dashboard/templates/:id"],
  ["GET", "/dashboard/templates/:id/versions/:v"],
  ["POST", "/dashboard/templates/:id/versions/:v/publish"],
  ["GET", "/dashboard/templates/:id/versions/:v/frame"],
  ["GET", "/dashboard/event-types"],
  ["POST", "/dashboard/event-types"],
  ["POST", "/dashboard/suppressions/remove"],
  ["GET", "/dashboard/analytics"],
  ["GET", "/dashboard/keys"],
  ["POST", "/dashboard/keys"],
  ["POST", "/dashboard/keys/:id/rotate"],
  ["POST", "/dashboard/keys/:id/revoke"],
  ["GET", "/dashboard/sending"],
  ["POST", "/dashboard/sending/resume"],
  ["GET", "/dashboard/alerts"],
  ["GET", "/dashboard/domains"],
  ["POST", "/dashboard/domains"],
  ["POST", "/dashboard/domains/:id/verify"],
] as const;
