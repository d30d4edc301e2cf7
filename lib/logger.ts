/**
 * The process-wide logger: pino JSON lines to stdout and to LOG_FILE (default `logs/ai_service.log`, its
 * directory created), because the seed's runbook greps that file for `redis`.
 *
 * Created on first use (not at import) so `next build` writes no file; kept on `globalThis` so dev reloads
 * don't open the file again. LOG_FILE='' logs to stdout only. Secrets are redacted by key name wherever they
 * appear in a logged object.
 */
import fs from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { readEnv } from '@/lib/config/env';
import { processSingleton } from '@/lib/redis-cache';

const REDACT = [
  'password',
  'token',
  'authorization',
  'secret',
  '*.password',
  '*.token',
  '*.authorization',
  '*.secret',
  '*.*.password',
  'headers.authorization',
  'req.headers.authorization',
  'REDIS_PASSWORD',
  'CACHE_ADMIN_TOKEN',
  'sentinelPassword',
  '*.sentinelPassword',
];

/** LOG_LEVEL and LOG_FILE; the defaults when the environment is invalid (the start hook reports that, naming it). */
function logSettings(): { level: string; file: string } {
  try {
    return readEnv().log;
  } catch {
    return { level: 'info', file: 'logs/ai_service.log' };
  }
}

function createLogger(): Logger {
  const { level, file } = logSettings();
  const streams: pino.StreamEntry[] = [{ level: 'trace', stream: pino.destination({ dest: 1, sync: false }) }];
  if (file) {
    try {
      fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      streams.push({ level: 'trace', stream: pino.destination({ dest: file, mkdir: true, sync: false }) });
    } catch (err) {
      // A read-only disk must not stop the service: log to stdout only, and say so once.
      process.stderr.write(`logger: cannot open LOG_FILE (${(err as Error).message}); logging to stdout only\n`);
    }
  }
  return pino(
    {
      level,
      base: { service: 'ai-prediction-service' },
      redact: { paths: REDACT, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.multistream(streams),
  );
}

/** The process-wide logger (created on first call). */
export function getLogger(): Logger {
  return processSingleton('logger', createLogger);
}

/** Convenience: `logger.info(...)` — resolves the singleton lazily on each property access. */
export const logger: Logger = new Proxy({} as Logger, {
  get(_t, prop) {
    const l = getLogger();
    const v = Reflect.get(l, prop, l);
    return typeof v === 'function' ? v.bind(l) : v;
  },
});
