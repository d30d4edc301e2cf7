import { yesterdayUtc } from './dates';
import { catalogueHistory, demoCatalogue } from './demo-catalogue';
import { DEMO_PRODUCTS } from './demo-data';
import type { SalesStore } from './store';

/**
 * Fills an empty database with the demo history of `products` products (the named demo products, then a
 * generated catalogue: demo-catalogue.ts), ending yesterday (UTC) so forecasts start today. The values for any
 * given date are the same whenever the seed runs (each is a pure function of product and date); only the window
 * moves. Does nothing when the database already has products; of several instances starting together on an empty
 * database, exactly one seeds (the store's check and write are one atomic step).
 */
export function seedDemoHistoryIfEmpty(
  sales: SalesStore,
  endDate: string = yesterdayUtc(),
  products: number = DEMO_PRODUCTS.length,
): Promise<boolean> {
  return sales.seedIfEmpty(() => catalogueHistory(demoCatalogue(products), endDate));
}
