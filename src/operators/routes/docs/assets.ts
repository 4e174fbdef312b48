import bundle from "swagger-ui-dist/swagger-ui-bundle.js?raw";
import stylesheet from "swagger-ui-dist/swagger-ui.css?raw";
import { version } from "swagger-ui-dist/package.json";
import type { App } from "../../../context";

/**
 * Swagger UI's script and stylesheet, served by the Worker itself: a CDN would put third-party
 * script on our origin and does not answer without internet. The version is in the path (where
 * @hono/swagger-ui's renderer puts it), so a release that upgrades swagger-ui-dist gets new URLs and
 * browsers may keep these for a year.
 */
export const ASSET_BASE = "/docs/assets";
export const SWAGGER_UI_VERSION = version;

const files = {
  "swagger-ui-bundle.js": { body: bundle, type: "text/javascript; charset=utf-8" },
  "swagger-ui.css": { body: stylesheet, type: "text/css; charset=utf-8" },
};

export const registerApiReferenceAssets = (app: App) => {
  for (const [name, file] of Object.entries(files)) {
    app.get(`${ASSET_BASE}/swagger-ui-dist@${SWAGGER_UI_VERSION}/${name}`, (c) =>
      c.body(file.body, 200, {
        "Content-Type": file.type,
        "Cache-Control": "public, max-age=31536000, immutable",
        "X-Content-Type-Options": "nosniff",
      }),
    );
  }
};
