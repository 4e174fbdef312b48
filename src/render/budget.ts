import type { Context, Emitter, Liquid, Template } from "liquidjs";

/**
 * Template steps one part of one email may take (a step is one node rendered: text, output or
 * tag, once per loop iteration). An ordinary email takes hundreds, a 50-item digest a few
 * thousand; three nested loops over 2,000 items would take 8·10⁹ and hold the isolate's only
 * thread for hours. liquidjs's own `renderLimit` is a clock budget, and workerd's clock stands
 * still while JavaScript runs, so the budget counts work instead.
 */
export const RENDER_STEP_LIMIT = 50_000;

export class RenderBudgetExceeded extends Error {
  constructor() {
    super(`render budget exceeded: more than ${RENDER_STEP_LIMIT} template steps`);
    this.name = "RenderBudgetExceeded";
  }
}

/**
 * Steps taken per render. Keyed by the render's memory limiter, which liquidjs creates once per
 * render and shares with the contexts `{% render %}` and `{% layout %}` spawn, so partials and
 * layouts count against the same budget.
 */
const steps = new WeakMap<object, number>();

/** Makes every render of `liquid` count its steps and stop past the budget. */
export function budgetRenderSteps(liquid: Liquid): Liquid {
  const renderer = liquid.renderer;
  const renderTemplates = renderer.renderTemplates.bind(renderer);
  renderer.renderTemplates = function* (templates: Template[], ctx: Context, emitter?: Emitter) {
    const taken = (steps.get(ctx.memoryLimit) ?? 0) + templates.length;
    if (taken > RENDER_STEP_LIMIT) throw new RenderBudgetExceeded();
    steps.set(ctx.memoryLimit, taken);
    return yield* renderTemplates(templates, ctx, emitter);
  } as typeof renderer.renderTemplates;
  return liquid;
}
