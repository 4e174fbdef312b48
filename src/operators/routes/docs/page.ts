import { SwaggerUI } from "@hono/swagger-ui";
import { ASSET_BASE, SWAGGER_UI_VERSION } from "./assets";

/**
 * Swagger UI's markup as @hono/swagger-ui renders it (assets from our own origin, the document
 * from /openapi.json), with this response's nonce on each <script>: the page's CSP allows no other
 * script. No validator badge (it would call swagger.io), and the key typed into "Authorize" is
 * not kept in localStorage. The empty icon spares the browser a /favicon.ico request (a 404).
 */
const markup = SwaggerUI({
  url: "/openapi.json",
  baseUrl: ASSET_BASE,
  version: SWAGGER_UI_VERSION,
  validatorUrl: "none",
  persistAuthorization: false,
  deepLinking: true,
  requestSnippetsEnabled: true,
});

export const apiReferencePage = (nonce: string) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Tidings API reference</title>
    <link rel="icon" href="data:," />
  </head>
  <body>
    ${markup.replaceAll("<script", `<script nonce="${nonce}"`)}
  </body>
</html>
`;
