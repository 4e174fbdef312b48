import type { Context } from "hono";
import type { JSX } from "hono/jsx/jsx-runtime";
import type { HonoEnv } from "../../../context";
import type { DashboardSection } from "../views/layout";
import { DashboardMessage } from "../views/message";
import { refuse } from "../../../platform/http/page-refusal";

type Ctx = Context<HonoEnv>;
type Status = 200 | 400 | 401 | 403 | 404 | 503;

export async function renderDashboard(c: Ctx, page: JSX.Element, status: Status = 200) {
  return c.html(`<!doctype html>${await page.toString()}`, status);
}

/**
 * A refused signed-in request: a browser gets the dashboard with one sentence instead of data, any
 * other client the JSON envelope (title and sentence as its message).
 */
export const renderMessage = (c: Ctx, code: "BAD_REQUEST" | "NOT_FOUND", title: string, body: string, current?: DashboardSection) =>
  refuse(c, code, `${title}: ${body}`, (status) =>
    renderDashboard(c, <DashboardMessage nonce={c.get("cspNonce")} session={c.get("dashboard").shell} title={title} body={body} {...(current ? { current } : {})} />, status),
  );
