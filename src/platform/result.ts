/** Errors are values below the HTTP layer: every fallible service returns a Result. */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });

/**
 * The one shape of an error value: a stable code, a message a person can read, and whether trying
 * the same thing again can succeed (a timeout can; a refused message or a bad signature cannot).
 */
export type BaseError<Code extends string = string> = { code: Code; message: string; retry: boolean };
