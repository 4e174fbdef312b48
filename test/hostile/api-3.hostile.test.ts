import { describe } from "vitest";
import { attackApiRoutes } from "./api-routes";
import { HOSTILE_RUNS } from "./run";

describe(`documented API routes, share 3 of 3, under ${HOSTILE_RUNS} hostile requests each`, () => attackApiRoutes(2, 3));
