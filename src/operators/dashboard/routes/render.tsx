import type { Context } from "hono";
import type { JSX } from "hono/jsx/jsx-runtime";
import type { HonoEnv } from "../../../context";
import type { DashboardSection } from "../views/layout";
import { DashboardMessage } from "../views/message";

type Ctx = Context<HonoEnv>;
type Status = 200 | 400 | 401 | 403 | 404 | 503;

export async function renderDashboard(c: Ctx, page: JSX.Element, status: Status = 200) {
  return c.html(`<!doctype html>${await page.toString()}`, status);
}

/** A signed-in page with one sentence instead of data: a person reads it, so not the JSON error envelope. */
export const renderMessage = (c: Ctx, status: 400 | 404, title: string, body: string, current?: DashboardSection) =>
  renderDashboard(c, <DashboardMessage nonce={c.get("cspNonce")} session={c.get("dashboard").shell} title={title} body={body} {...(current ? { current } : {})} />, status);
