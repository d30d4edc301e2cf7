/**
 * What the library needs of a logger: pino's shape (object first, then message), so the application can pass its
 * pino logger as is. The library never creates a logger of its own; without one it logs nothing.
 */
export interface CacheLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): CacheLogger;
  /** pino's level check; when it says debug is off, the library skips building debug lines altogether. */
  isLevelEnabled?(level: string): boolean;
}

const noop = (): void => undefined;

/** The default: discards everything. */
export const silentLogger: CacheLogger = { debug: noop, info: noop, warn: noop, error: noop, child: () => silentLogger };
