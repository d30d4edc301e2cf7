import pino, { type Logger } from 'pino';

/**
 * The HTTP layer's logger. Until a shared application logger exists this is a pino instance on stdout; it is kept
 * on globalThis so reloads don't multiply it. Never log request bodies wholesale, tokens or passwords.
 */
const GLOBAL_KEY = Symbol.for('ai-cache.http.logger');
type WithLogger = typeof globalThis & { [GLOBAL_KEY]?: Logger };

export function httpLogger(): Logger {
  const holder = globalThis as WithLogger;
  holder[GLOBAL_KEY] ??= pino({
    name: 'http',
    level: process.env.LOG_LEVEL ?? 'info',
    redact: { paths: ['*.authorization', '*.password', '*.token'], censor: '[redacted]' },
  });
  return holder[GLOBAL_KEY];
}
