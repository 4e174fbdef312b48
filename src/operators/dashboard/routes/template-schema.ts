import { z } from "zod";

export const TemplateRouteParams = z.object({ id: z.string().uuid() });
export const VersionRouteParams = TemplateRouteParams.extend({ v: z.coerce.number().int().positive() });
