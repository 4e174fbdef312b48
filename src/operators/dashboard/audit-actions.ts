import { AuditAction } from "../../platform/audit/record";

/**
 * Every action the audit log holds, for the dashboard's filter: the admin API's and the guard's
 * (AuditAction), plus those recipients' pages and provider unsubscribes write directly.
 */
export const auditActionNames: readonly string[] = [...new Set([...AuditAction.options, "recipient.unsubscribe_all", "recipient.unsubscribe_category"])].sort();
