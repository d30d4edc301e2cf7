/**
 * The product search of the overview: items whose name contains the query, ignoring case and surrounding spaces.
 * An empty query keeps every item (the same array).
 */
export function filterByName<T>(items: T[], query: string, name: (item: T) => string): T[] {
  const needle = query.trim().toLocaleLowerCase();
  return needle ? items.filter((item) => name(item).toLocaleLowerCase().includes(needle)) : items;
}
