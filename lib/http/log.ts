import type { Logger } from 'pino';
import { getLogger } from '@/lib/logger';
import { errorMessage, processSingleton, replaceProcessSingleton } from '@/lib/redis-cache';

/**
 * The HTTP layer's logger: the process-wide one (stdout + LOG_FILE, secrets redacted) with `component: "http"`.
 * Never log request bodies wholesale, tokens or passwords.
 */
export function httpLogger(): Logger {
  return processSingleton('http-logger', () => getLogger().child({ component: 'http' }));
}

/** For tests: route logs go to `logger` (undefined restores the process logger). */
export function useHttpLoggerForTests(logger: Logger | undefined): void {
  replaceProcessSingleton('http-logger', logger);
}

export { errorMessage };
