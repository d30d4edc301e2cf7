import { CACHE_TYPES, type CacheType } from '@/lib/redis-cache';
import { HttpError } from './errors';

/** What the API clears by name: everything, or one type of data (results of other cached functions are not exposed). */
type TypeTarget = 'all' | Exclude<CacheType, 'other'>;

export type ResolvedClearTarget = TypeTarget | { product: string };

const TYPE_TARGETS: ReadonlySet<string> = new Set<string>(['all', ...CACHE_TYPES.filter((t) => t !== 'other')]);

/** Whether `target` names a type of entries (all, models, predictions, products) rather than a product. */
export function isTypeTarget(target: string): target is TypeTarget {
  return TYPE_TARGETS.has(target);
}

/**
 * Turns a clear request's `target` into what to remove. A type name wins (a product literally called "models"
 * would have to be cleared through retrain); anything else must be the exact name of a known product — never a
 * pattern: `*`, `Bolo*` or `../` match only a product of that exact name, so no input can widen a clear.
 * When no name is equal, a name equal after Unicode NFC normalisation is accepted (the same text typed on a
 * system that composes accents differently), but only when exactly one product matches.
 */
export function resolveClearTarget(target: string, products: readonly string[]): ResolvedClearTarget {
  if (isTypeTarget(target)) return target;
  if (products.includes(target)) return { product: target };
  const normalized = target.normalize('NFC');
  const matches = products.filter((name) => name.normalize('NFC') === normalized);
  if (matches.length === 1) return { product: matches[0] };
  throw new HttpError(
    'not_found',
    `No product named ${JSON.stringify(target)}; targets are all, models, predictions, products or an exact product name`,
  );
}
