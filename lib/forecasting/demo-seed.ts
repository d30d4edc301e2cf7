import { yesterdayUtc } from './dates';
import { DEMO_HISTORY_DAYS, generateDemoHistory } from './demo-data';
import type { SalesStore } from './sales-store';

/**
 * Fills an empty database with the demo history, ending yesterday (UTC) so forecasts start today. The values for
 * any given date are the same whenever the seed runs (each is a pure function of product and date); only the
 * window moves. Does nothing when the database already has products.
 */
export function seedDemoHistoryIfEmpty(sales: SalesStore, endDate: string = yesterdayUtc()): boolean {
  if (!sales.isEmpty()) return false;
  sales.upsertSales(generateDemoHistory(endDate, DEMO_HISTORY_DAYS));
  return true;
}
