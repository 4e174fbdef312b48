/** Where "now" comes from: the system clock in production, a fixed one in tests that pin time. */
export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };
