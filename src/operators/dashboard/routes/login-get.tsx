import type { App } from "../../../context";
import { loadTokenKeys } from "../../../platform/crypto/token-keys";
import { renderLogin, renderNotConfigured } from "./login-form";

/** `GET /dashboard/login`: the sign-in form. */
export const registerLoginGet = (app: App) =>
  app.get("/dashboard/login", async (c) => {
    const keys = await loadTokenKeys(c.env);
    return keys.ok ? renderLogin(c, keys.value, 200) : renderNotConfigured(c);
  });
