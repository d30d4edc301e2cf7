/**
 * Imports daily sales from a CSV file (`date,product,quantity`) into the sales database: PostgreSQL when
 * DATABASE_URL is set, else the SQLite file at DATABASE_PATH.
 *   npm run import -- sales.csv
 * Every row is validated first; if any row is bad, the bad rows are listed by line number and nothing is imported.
 * Existing (product, date) rows are replaced. Models are not retrained: retrain a product to use the new data.
 */
import fs from 'node:fs';
import { startScript } from './cli';
import { appCacheSystem } from '../lib/config/cache-system';
import { readEnv } from '../lib/config/env';
import { importSalesCsv } from '../lib/forecasting/csv-import';
import { openProcessStore } from '../lib/forecasting/open-store';
import { getLogger } from '../lib/logger';
import { errorMessage } from '../lib/redis-cache/timeout';

const USAGE = `
usage: npm run import -- <sales.csv>

Imports daily sales into the database the server uses (PostgreSQL when DATABASE_URL is set, else the SQLite file at
DATABASE_PATH; .env files are read as next start reads them). Header "date,product,quantity" (ISO dates, decimal
point) or the Brazilian form "data;produto;quantidade" (dd/mm/aaaa, decimal comma). Every row is checked first:
with any bad row nothing is imported and the bad rows are listed by line number (exit 1). Rows of a (product, date)
already stored are replaced. The cached product list is cleared; models are retrained only on request.
`;
startScript(USAGE);

const MAX_ERRORS_SHOWN = 50;
// A command-line tool: the cache's connection logs would only drown the result.
process.env.LOG_LEVEL ??= 'error';

/**
 * Drops the cached product list (every instance, through the cache's invalidation) so new products show at once.
 * Best effort: with Redis unreachable the servers' lists refresh within CACHE_PRODUCTS_TTL anyway.
 */
async function clearCachedProductList(): Promise<void> {
  const system = appCacheSystem();
  try {
    await system.connect(); // bounded by REDIS_CONNECT_TIMEOUT; falls back to memory when Redis is unreachable
    const { removed } = await system.clear('products');
    if (removed > 0) console.log('cleared the cached product list');
  } catch {
    /* the cache is an optimisation: the import itself succeeded */
  } finally {
    await system.close();
  }
}

async function importFile(argv: string[]): Promise<number> {
  const file = argv[0];
  if (!file || argv.length > 1) {
    console.error(USAGE.trim());
    return 2;
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    console.error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    return 2;
  }
  const config = readEnv().forecasting;
  // A store like a server's (on PostgreSQL: schema migrated, this process registered in the version index while it
  // runs, so the import returns once every running instance knows the new products).
  const store = await openProcessStore(config, getLogger().child({ component: 'import' }));
  try {
    const result = await importSalesCsv(store.sales, text);
    if (!result.ok) {
      console.error(`${file}: ${result.errors.length} bad row(s); nothing was imported`);
      for (const e of result.errors.slice(0, MAX_ERRORS_SHOWN)) console.error(`  line ${e.line}: ${e.message}`);
      if (result.errors.length > MAX_ERRORS_SHOWN) console.error(`  … and ${result.errors.length - MAX_ERRORS_SHOWN} more`);
      return 1;
    }
    console.log(`imported ${result.imported} row(s) for ${result.products} product(s) into ${store.description.target}`);
    console.log('retrain a product (POST /api/ai/models/<product>/retrain) to use the new data in its forecasts');
    return 0;
  } finally {
    await store.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const code = await importFile(argv);
  if (code === 0 && process.env.IMPORT_SKIP_CACHE_CLEAR !== '1') await clearCachedProductList();
  return code;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(errorMessage(error));
    process.exitCode = 1;
  },
);
