import { z } from "zod";
import { CreateApiKeyBody, RotateApiKeyBody } from "../../routes/api-keys/schema";
import { CreateDomainBody } from "../../routes/domains/schema";
import { SuppressionAddress } from "../../../followup/suppression-remove";

/** The forms of the operations pages, built from the API's own bodies so both refuse the same input. */
export const CreateKeyForm = CreateApiKeyBody.pick({ name: true, role: true }).extend({
  expiresOn: z.iso.date("must be a date like 2027-01-31").optional().or(z.literal("")),
});

export const RotateKeyForm = z.object({ graceSeconds: z.coerce.number().pipe(RotateApiKeyBody.shape.graceSeconds.unwrap()) });

export const IdParam = z.object({ id: z.string().uuid() });

export const CreateDomainForm = CreateDomainBody;

export const SuppressionSearch = z.object({ email: SuppressionAddress.optional(), after: z.string().uuid().optional() });

export const RemoveSuppressionForm = z.object({ email: SuppressionAddress, force: z.literal("true").optional() });

/** The first issue of a failed parse as one sentence a person can act on. */
export const firstIssue = (error: z.ZodError) => {
  const issue = error.issues[0];
  return issue ? `${issue.path.join(".") || "form"}: ${issue.message}` : "The form is not valid.";
};
