import { withTimeout } from '@/lib/redis-cache';
import { HttpError } from './errors';

/**
 * A last-resort bound on a call into the cache or the database from a route. The cache library already bounds
 * its Redis calls (watchdog, circuit breaker); this only guarantees that a bug there can't hang a request
 * forever. On expiry the request answers 503 `unavailable` (the work itself is not cancelled).
 */
const ROUTE_DEADLINE_MS = 5_000;

export function withDeadline<T>(promise: Promise<T>, what: string, ms: number = ROUTE_DEADLINE_MS): Promise<T> {
  return withTimeout(promise, ms, () => new HttpError('unavailable', `The ${what} did not answer within ${ms} ms`));
}
