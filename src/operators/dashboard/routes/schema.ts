import { z } from "zod";

/** The sign-in form. The key is trimmed: people paste it with a stray space or newline. */
export const LoginForm = z.object({
  csrf: z.string().max(200),
  apiKey: z.string().trim().min(1, "Paste an API key.").max(200, "That is longer than any API key."),
});

const Cursor = z.string().min(1).max(500);

export const RecipientsQuery = z.object({
  id: z.string().trim().max(200).optional(),
  cursor: Cursor.optional(),
});

export const AuditQuery = z.object({
  action: z.string().max(200).optional(),
  cursor: Cursor.optional(),
});

export const SuppressionsQuery = z.object({ after: z.string().uuid().optional() });

export const NotificationParams = z.object({ id: z.string().uuid() });
