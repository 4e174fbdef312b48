import type { MiddlewareHandler } from "hono";
import type { App, HonoEnv } from "../../../context";
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

const message = (text: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Preview</title></head><body><p>${text}</p></body></html>`;

/** `GET /dashboard/templates/:id/versions/:v/frame?locale=&data=`: the HTML part, rendered as the preview API renders it, for the page's iframes. */
export const registerTemplateFrame = (app: App) =>
  app.get(PREVIEW_FRAME_PATH, requireSession(), async (c) => {
    const params = VersionRouteParams.safeParse(c.req.param());
    const raw = c.req.query("data");
    const data = raw === undefined || raw.length > MAX_PREVIEW_DATA ? undefined : parseJsonObject(raw);
    if (!params.success || (data && !data.ok)) return c.html(message("Not a valid preview link."), 400);
    const locale = c.req.query("locale");
    const preview = await previewVersion(c.get("services").db, c.get("dashboard").organization.id, params.data.id, {
      version: params.data.v,
      data: data?.value,
      locale: locale && locale.length <= 35 ? locale : undefined,
    });
    if (!preview.ok)
      return c.html(
        message(preview.error.code === "not_found" ? "No such template or version." : "This version does not render: see the page."),
        preview.error.code === "not_found" ? 404 : 422,
      );
    return c.html(preview.value.html);
  });
