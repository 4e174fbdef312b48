import type { App } from "../../../context";
import { securityHeaders } from "../../../platform/http/security-headers";
import { registerApiReferenceAssets } from "./assets";
import { apiReferencePage } from "./page";

/**
 * The interactive API reference at /docs, rendered in the browser from /openapi.json. Public like
 * the document itself, and registered with `app.get`, not `app.openapi`, so it is no operation in
 * that document. Its CSP is the pages' one plus script by nonce, fetches to this origin (the
 * document, "Try it out") and our own stylesheet; Swagger UI's icons are data: images.
 */
export const registerApiReferenceRoutes = (app: App) => {
  app.use("/docs", securityHeaders({ scripts: true, styleSrc: "'self'", imgSrc: "'self' data:" }));
  app.get("/docs", (c) => c.html(apiReferencePage(c.get("cspNonce"))));
  registerApiReferenceAssets(app);
};
