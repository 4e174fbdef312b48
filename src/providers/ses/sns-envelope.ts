import { z } from "zod";

const signedFields = {
  MessageId: z.string().min(1),
  TopicArn: z.string().min(1),
  Message: z.string(),
  Timestamp: z.string().min(1),
  // A string, not an enum: an unknown version is refused with its own error code, not as malformed.
  SignatureVersion: z.string(),
  Signature: z.string().min(1),
  SigningCertURL: z.string().min(1),
};

export const SnsNotification = z.object({
  Type: z.literal("Notification"),
  ...signedFields,
  Subject: z.string().nullish(),
  UnsubscribeURL: z.string().optional(),
});
export type SnsNotification = z.infer<typeof SnsNotification>;

export const SnsConfirmation = z.object({
  Type: z.enum(["SubscriptionConfirmation", "UnsubscribeConfirmation"]),
  ...signedFields,
  Token: z.string().min(1),
  SubscribeURL: z.string().min(1),
});
export type SnsConfirmation = z.infer<typeof SnsConfirmation>;

/**
 * The JSON body SNS POSTs (`x-amz-sns-message-type` names its `Type`). SNS-to-Lambda records spell
 * the certificate field `SigningCertUrl`; it is not part of the signed string, so both spellings
 * are accepted (aws-sdk-ruby's verifier does the same, and its test vectors include one).
 */
export const SnsEnvelope = z.preprocess(
  (value) =>
    typeof value === "object" && value !== null && !("SigningCertURL" in value) && "SigningCertUrl" in value ? { ...value, SigningCertURL: value.SigningCertUrl } : value,
  z.discriminatedUnion("Type", [SnsNotification, SnsConfirmation]),
);
export type SnsEnvelope = z.infer<typeof SnsEnvelope>;
