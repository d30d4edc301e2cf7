/**
 * One instance per process of something that must not be duplicated — a connection pool, a job runner, a metrics
 * registry. Kept on `globalThis` under a `Symbol.for` key: every Next.js route bundle carries its own copy of a
 * module, and `next dev` re-evaluates modules on reload, but all of them see the same global object.
 */
type Holder = Record<symbol, unknown>;

/** The process-wide value registered under `name`, created by `create` on first use. */
export function processSingleton<T>(name: string, create: () => T): T {
  const holder = globalThis as unknown as Holder;
  const key = Symbol.for(`ai-cache.${name}`);
  if (!(key in holder)) holder[key] = create();
  return holder[key] as T;
}

/** Replaces (or, with `undefined`, forgets) the value under `name`; returns the previous one. For tests and resets. */
export function replaceProcessSingleton<T>(name: string, value: T | undefined): T | undefined {
  const holder = globalThis as unknown as Holder;
  const key = Symbol.for(`ai-cache.${name}`);
  const previous = holder[key] as T | undefined;
  if (value === undefined) delete holder[key];
  else holder[key] = value;
  return previous;
}
