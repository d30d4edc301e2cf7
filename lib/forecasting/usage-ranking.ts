import type { UsageCount, UsageHour } from '@/lib/redis-cache';

/** A (product, horizon) pair and its requests over a window. */
export type RankedPair = UsageCount;

/**
 * The `k` most requested (product, horizon) pairs over `hours`, most requested first. Ties go to the pair asked
 * most recently (its demand is likelier to continue), then by product and horizon, so the order is deterministic.
 */
export function topPairs(hours: readonly UsageHour[], k: number): RankedPair[] {
  if (k <= 0) return [];
  const totals = new Map<string, RankedPair & { last: number }>();
  for (const { hour, counts } of hours) {
    for (const c of counts) {
      const id = `${c.days}:${c.product}`;
      const seen = totals.get(id);
      if (seen) {
        seen.count += c.count;
        seen.last = Math.max(seen.last, hour);
      } else totals.set(id, { product: c.product, days: c.days, count: c.count, last: hour });
    }
  }
  return [...totals.values()]
    .sort((a, b) => b.count - a.count || b.last - a.last || (a.product < b.product ? -1 : a.product > b.product ? 1 : a.days - b.days))
    .slice(0, k)
    .map(({ product, days, count }) => ({ product, days, count }));
}

/** Requests per product and hour (all horizons together): the series the usage forecast and the heat map read. */
export function productVolumes(hours: readonly UsageHour[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  hours.forEach(({ counts }, i) => {
    for (const c of counts) {
      let series = out.get(c.product);
      if (!series) out.set(c.product, (series = new Array<number>(hours.length).fill(0)));
      series[i] += c.count;
    }
  });
  return out;
}
