import type { Context, MiddlewareHandler } from "hono";
import type { App, HonoEnv } from "../../../context";
import { ApiError, ERROR_CODE_HEADER } from "../../../platform/errors";
import { wantsPage } from "../../../platform/http/page-refusal";
import { previewVersion } from "../../../render/template-preview";
import { MAX_PREVIEW_DATA } from "../templates/load";
import { parseJsonObject } from "../templates/form";
import { requireSession } from "./session";
import { VersionRouteParams } from "./template-schema";

export const PREVIEW_FRAME_PATH = "/dashboard/templates/:id/versions/:v/frame";

/**
 * The headers of the preview frame, set over the dashboard's own (this runs outside them): the
 * email's inline styles and https images are allowed, script never (the sandbox without
 * allow-scripts too), and only the dashboard may frame it.
 */
export const previewFrameHeaders = (): MiddlewareHandler<HonoEnv> =>
  async function previewFrameHeaders(c, next) {
    await next();
    c.header(
      "Content-Security-Policy",
      "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; font-src https: data:; form-action 'none'; frame-ancestors 'self'; base-uri 'none'; sandbox",
    );
    c.header("X-Frame-Options", "SAMEORIGIN");
  };

const page = (text: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Preview</title></head><body><p>${text}</p></body></html>`;

/** A refusal as every dashboard route answers one: the envelope, or for a browser a page with its code. */
function refuseFrame(c: Context<HonoEnv>, code: "BAD_REQUEST" | "NOT_FOUND" | "UNPROCESSABLE_ENTITY", text: string) {
  if (!wantsPage(c)) throw new ApiError(code, text);
  c.header(ERROR_CODE_HEADER, code);
  return c.html(page(text), code === "BAD_REQUEST" ? 400 : code === "NOT_FOUND" ? 404 : 422);
}

/** `GET /dashboard/templates/:id/versions/:v/frame?locale=&data=`: the HTML part, rendered as the preview API renders it, for the page's iframes. */
export const registerTemplateFrame = (app: App) =>
  app.get(PREVIEW_FRAME_PATH, requireSession(), async (c) => {
    const params = VersionRouteParams.safeParse(c.req.param());
    const raw = c.req.query("data");
    const data = raw === undefined || raw.length > MAX_PREVIEW_DATA ? undefined : parseJsonObject(raw);
    if (!params.success || (data && !data.ok)) return refuseFrame(c, "BAD_REQUEST", "Not a valid preview link.");
    const locale = c.req.query("locale");
    const preview = await previewVersion(c.get("services").db, c.get("dashboard").organization.id, params.data.id, {
      version: params.data.v,
      data: data?.value,
      locale: locale && locale.length <= 35 ? locale : undefined,
    });
    if (preview.ok) return c.html(preview.value.html);
    return preview.error.code === "not_found"
      ? refuseFrame(c, "NOT_FOUND", "No such template or version.")
      : refuseFrame(c, "UNPROCESSABLE_ENTITY", "This version does not render: the template's page says why.");
  });
