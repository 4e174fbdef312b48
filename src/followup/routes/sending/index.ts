import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../../context";
import { ApiError, errorResponses } from "../../../platform/errors";
import { requireApiKey } from "../../../platform/http/auth";
import { ResumeResult, SendingState } from "./schema";
import { loadSendingState, resumeAudited, SENDING_READERS, SENDING_RESUMERS } from "../../sending-state";

const get = createRoute({
  method: "get",
  path: "/v1/sending",
  operationId: "getSendingState",
  tags: ["sending"],
  summary: "Bounce and complaint rates, whether the guard paused sending, and how much mail is waiting",
  description:
    "The bounce-rate guard's view of the organisation: hard-bounce and complaint rates over its last sent emails and the thresholds, whether sending is paused (and since when, and why), how many emails are held by the pause, when sending last resumed, and how much mail is waiting in the queue. Roles: viewer, editor, admin.",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: SENDING_READERS })] as const,
  responses: { 200: { description: "Sending state", content: { "application/json": { schema: SendingState } } }, ...errorResponses(401, 403) },
});
const resume = createRoute({
  method: "post",
  path: "/v1/sending/resume",
  operationId: "resumeSending",
  tags: ["sending"],
  summary: "Resume sending after the bounce-rate guard paused it",
  description:
    "Ends the bounce-rate guard's pause and sends what it held. From then on the guard judges only mail sent after the resume, so the bounces that caused the pause do not pause sending again. Roles: admin.",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: SENDING_RESUMERS })] as const,
  responses: { 200: { description: "Resumed; held notifications are on their way", content: { "application/json": { schema: ResumeResult } } }, ...errorResponses(401, 403) },
});

export const registerSendingRoutes = (app: App) => {
  app.openapi(get, async (c) => {
    const state = await loadSendingState(c.get("services"), c.get("caller").organizationId);
    if (!state) throw new ApiError("NOT_FOUND", "No such organisation.");
    const { rates: r, guard, held, queue } = state;
    const body: SendingState = {
      paused: r.pausedAt !== null,
      pausedAt: r.pausedAt?.toISOString() ?? null,
      pausedReason: r.pausedReason,
      resumedAt: r.resumedAt?.toISOString() ?? null,
      held,
      rates: { sample: r.sample, bounced: r.bounced, complained: r.complained, bounceRate: r.bounceRate, complaintRate: r.complaintRate },
      guard: { window: guard.window, minSample: guard.minSample, bounceRateThreshold: guard.bounceRate, complaintRateThreshold: guard.complaintRate },
      queue,
    };
    return c.json(body, 200);
  });

  app.openapi(resume, async (c) => c.json(await resumeAudited(c.get("services"), c.get("caller")), 200));
};
