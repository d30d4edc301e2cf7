import { nameMatches } from '@/lib/text/names';

/**
 * The product search of the overview: items whose name contains the query, ignoring case, accents and surrounding
 * spaces ("pao" finds "Pão"). An empty query keeps every item (the same array).
 */
export function filterByName<T>(items: T[], query: string, name: (item: T) => string): T[] {
  return query.trim() ? items.filter((item) => nameMatches(name(item), query)) : items;
}
