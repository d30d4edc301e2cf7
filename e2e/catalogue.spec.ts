import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ProductsResponse } from '@/lib/api-types';
import { expect, test } from './fixtures';
import { appEnv, freePort, startNext, startRedis, stopNext, stopRedis, type NextServer, type RedisControl } from './support/processes';

/**
 * The dashboard at catalogue size: a server of its own seeded with 500 products (SEED_DEMO_PRODUCTS), whose product
 * list searches on the server and pages 60 at a time, and whose clear picker searches instead of listing everything.
 */
const PRODUCTS = 500;
let dir: string;
let redis: RedisControl;
let server: NextServer;

test.beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-cache-catalogue-'));
  redis = { port: await freePort(), dir };
  await startRedis(redis);
  server = await startNext({ dir, name: 'catalogue', env: appEnv(dir, 'catalogue', redis.port, { SEED_DEMO_PRODUCTS: String(PRODUCTS) }) });
});

test.afterAll(async () => {
  if (server) stopNext(server);
  if (redis) await stopRedis(redis).catch(() => undefined);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function apiPage(search: string): Promise<ProductsResponse> {
  const response = await fetch(`${server.url}/api/ai/products?${search}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ProductsResponse;
}

test('the product list pages through 500 products, 60 at a time, in the API’s order', async ({ page }) => {
  const first = await apiPage('limit=60');
  expect(first.total).toBe(PRODUCTS);
  const second = await apiPage(`limit=60&cursor=${first.next_cursor}`);
  await page.goto(server.url);
  const list = page.getByTestId('product-list');
  const range = page.getByTestId('product-range');
  await expect(range).toHaveText('1–60 of 500');
  await expect(list.getByRole('link')).toHaveText(first.products.map((p) => p.name));
  await page.getByRole('button', { name: 'Next →' }).click();
  await expect(range).toHaveText('61–120 of 500');
  await expect(list.getByRole('link')).toHaveText(second.products.map((p) => p.name));
  await page.getByRole('button', { name: '← Previous' }).click();
  await expect(range).toHaveText('1–60 of 500');
  await expect(page.getByRole('button', { name: '← Previous' })).toBeDisabled();
});

test('the search asks the server, ignoring accents and case, and pages its matches', async ({ page }) => {
  const matches = await apiPage('q=pao&limit=1000');
  expect(matches.total).toBeGreaterThan(60);
  await page.goto(server.url);
  const search = page.getByRole('searchbox', { name: 'Search products' }).first();
  const list = page.getByTestId('product-list');
  await search.fill('PAO');
  await expect(page.getByTestId('product-range')).toHaveText(`1–60 of ${matches.total}`);
  await expect(list.getByRole('link')).toHaveText(matches.products.slice(0, 60).map((p) => p.name));
  await page.getByRole('button', { name: 'Next →' }).click();
  await expect(list.getByRole('link').first()).toHaveText(matches.products[60]!.name);
  await search.fill('pão de queijo 3');
  await expect(list.getByRole('link')).toHaveText(['Pão de Queijo 3']);
  await expect(page.getByTestId('product-range')).toHaveCount(0);
  await search.fill('zzzz');
  await expect(page.getByText('No product matches.')).toBeVisible();
});

test('the clear picker searches the server and clears the product picked', async ({ page }) => {
  await fetch(`${server.url}/api/ai/predict?product=${encodeURIComponent('Éclair 3')}&days=7`);
  await page.goto(server.url);
  await page.getByLabel('What to clear').selectOption('product');
  const picker = page.getByLabel(/^Product \(/);
  await expect(picker.locator('option')).toHaveCount(50);
  await expect(picker).toHaveAccessibleName('Product (50 of 500)');
  await page.getByLabel('Search products').first().fill('eclair 3');
  await expect(picker.locator('option')).toHaveText(['Éclair 3']);
  await picker.selectOption('Éclair 3');
  await page.getByRole('button', { name: 'Clear…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Clear the cache?' });
  await dialog.getByRole('button', { name: 'Yes, clear' }).click();
  await expect(page.getByTestId('clear-result')).toContainText('Éclair 3');
});
