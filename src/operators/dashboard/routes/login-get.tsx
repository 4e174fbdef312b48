import type { App } from "../../../context";
import { renderLogin, renderNotConfigured } from "./login-form";

/** `GET /dashboard/login`: the sign-in form. */
export const registerLoginGet = (app: App) =>
  app.get("/dashboard/login", async (c) => {
    const keys = await c.get("services").keys.tokens();
    return keys.ok ? renderLogin(c, keys.value, 200) : renderNotConfigured(c);
  });
