/**
 * The one way this code base bounds a wait: {@link withTimeout} races a promise against a timer that never keeps
 * the process alive; {@link sleep} waits without blocking. Exported for the application's own bounds too.
 */

/**
 * `promise`, or a rejection once `ms` have passed: with `Error(reason)` for a string, or the error `reason()`
 * builds. The work behind `promise` is not cancelled.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, reason: string | (() => Error)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(typeof reason === 'string' ? new Error(reason) : reason()), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** An error's message for a log line or a report; a thrown non-Error value as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
