import { createRoute } from "@hono/zod-openapi";
import type { App } from "../../../context";
import { ApiError, errorResponses } from "../../../platform/errors";
import { recordApiChange } from "../../../platform/audit/record";
import { countHeld, guardSettings, loadRates } from "../../guard";
import { loadQueueDepth } from "../../queue-depth";
import { resumeSending } from "../../resume";
import { requireApiKey } from "../../../platform/http/auth";
import { ResumeResult, SendingState } from "./schema";

const get = createRoute({
  method: "get",
  path: "/v1/sending",
  operationId: "getSendingState",
  tags: ["sending"],
  summary: "Bounce and complaint rates, whether the guard paused sending, and how much mail is waiting",
  description:
    "The bounce-rate guard's view of the organisation: hard-bounce and complaint rates over its last sent emails and the thresholds, whether sending is paused (and since when, and why), how many emails are held by the pause, when sending last resumed, and how much mail is waiting in the queue. Roles: viewer, editor, admin.",
  security: [{ bearer: [] }],
  middleware: [requireApiKey({ roles: ["viewer", "editor", "admin"] })] as const,
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
  middleware: [requireApiKey({ roles: ["admin"] })] as const,
  responses: { 200: { description: "Resumed; held notifications are on their way", content: { "application/json": { schema: ResumeResult } } }, ...errorResponses(401, 403) },
});

export const registerSendingRoutes = (app: App) => {
  app.openapi(get, async (c) => {
    const { db, env, clock } = c.get("services");
    const organizationId = c.get("caller").organizationId;
    const settings = guardSettings(env);
    const [rates, held, queue] = await Promise.all([
      loadRates(db, [organizationId], settings.window),
      countHeld(db, organizationId),
      loadQueueDepth(db, organizationId, clock.now()),
    ]);
    const r = rates.get(organizationId);
    if (!r) throw new ApiError("NOT_FOUND", "No such organisation.");
    const state: SendingState = {
      paused: r.pausedAt !== null,
      pausedAt: r.pausedAt?.toISOString() ?? null,
      pausedReason: r.pausedReason,
      resumedAt: r.resumedAt?.toISOString() ?? null,
      held,
      rates: { sample: r.sample, bounced: r.bounced, complained: r.complained, bounceRate: r.bounceRate, complaintRate: r.complaintRate },
      guard: { window: settings.window, minSample: settings.minSample, bounceRateThreshold: settings.bounceRate, complaintRateThreshold: settings.complaintRate },
      queue,
    };
    return c.json(state, 200);
  });

  app.openapi(resume, async (c) => {
    const caller = c.get("caller");
    const report = await resumeSending(c.get("services"), caller.organizationId);
    await recordApiChange(c.get("services").db, caller, { action: "sending.resume", targetType: "organization", targetId: caller.organizationId, details: report });
    return c.json(report, 200);
  });
};
