/**
 * The kinds of cached data, as counted and reported everywhere — the one list of them. A module of its own with no
 * imports, so the dashboard's client code can use it too.
 */
export const CACHE_TYPES = ['models', 'predictions', 'products', 'other'] as const;
export type CacheType = (typeof CACHE_TYPES)[number];
