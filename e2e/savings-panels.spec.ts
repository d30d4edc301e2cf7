import { execFileSync } from 'node:child_process';
import { test, expect, DEMO_PRODUCT } from './fixtures';
import { expectNoSeriousA11yViolations } from './support/axe';
import { expectDrawnPath } from './support/charts';
import { runInfo } from './support/run';

/** The e2e server's key prefix (CACHE_PREFIX is not set: the default). */
const GRACE_LIST = 'ai_module:_meta:{grace}:recent';

function redisCli(...args: string[]): string {
  return execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(runInfo().redis.port), ...args], { encoding: 'utf8' }).trim();
}

/** The Savings card and the Grace events panel of the overview (cache/info.savings and .grace). */
test.describe('savings and grace panels', () => {
  test('show what cached forecasts saved: cost in BRL, CPU time, forecasts from cache, the product in the top table', async ({ page, api }) => {
    await api.predict(DEMO_PRODUCT, 9); // computed (or cached by an earlier spec)
    for (let i = 0; i < 3; i++) expect((await api.predict(DEMO_PRODUCT, 9)).xCache).toBe('HIT');
    const savings = (await api.info()).savings;
    expect(savings.forecasts_served_from_cache).toBeGreaterThanOrEqual(3);
    expect(savings.currency).toBe('BRL');

    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Savings', exact: true })).toBeVisible();
    // The figures the API counted (they only grow while the page polls).
    await expect
      .poll(async () => Number((await page.getByTestId('savings-forecasts').textContent())?.replace(/,/g, '')))
      .toBeGreaterThanOrEqual(savings.forecasts_served_from_cache);
    await expect(page.getByTestId('savings-cost')).toHaveText(/^R\$\d/);
    await expect(page.getByTestId('savings-cpu')).toHaveText(/\d.*(ms|sec|min|hr)/);
    await expect(page.getByTestId('savings-top').getByTestId('savings-row').filter({ hasText: DEMO_PRODUCT })).toHaveCount(1);
    await expect(page.getByTestId('savings-top').getByTestId('savings-others')).toContainText('Others');
    await expectDrawnPath(page.getByTestId('chart-savings'), '.recharts-line-curve');
    await expectNoSeriousA11yViolations(page, 'savings panel', 'section[aria-labelledby="savings-title"]');
  });

  test('list the latest stale answers with product, horizon and age', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Grace events' })).toBeVisible();
    await expect(page.getByTestId('grace-period')).toHaveText('1.0 hr'); // CACHE_GRACE_PERIOD default, 3600 s
    // A stale answer needs a failing database after a forecast expired (test/api/grace.test.ts does that through the
    // routes); here the shared list the instances write to gets one entry of that shape, and the panel must show it.
    const event = { at: Date.now(), product: DEMO_PRODUCT, days: 7, ageMs: 42_000, reason: 'database unavailable' };
    redisCli('LPUSH', GRACE_LIST, JSON.stringify(event));
    redisCli('INCR', `${GRACE_LIST}:count`);
    try {
      const row = page.getByTestId('grace-events').getByTestId('grace-event').first();
      await expect(row).toContainText(DEMO_PRODUCT);
      await expect(row).toContainText('42.0 sec');
      await expect(row).toHaveAttribute('title', /database unavailable/);
      await expect(page.getByTestId('grace-stale-served')).not.toHaveText('0');
      await expectNoSeriousA11yViolations(page, 'grace panel', 'section[aria-labelledby="grace-title"]');
    } finally {
      redisCli('DEL', GRACE_LIST, `${GRACE_LIST}:count`);
    }
    await expect(page.getByTestId('grace-none')).toBeVisible();
  });

  test.describe('in Brazilian Portuguese', () => {
    test.use({ locale: 'pt-BR' });
    test('words the panels in pt-BR and shows money as R$ with a comma', async ({ page, api }) => {
      await api.predict(DEMO_PRODUCT, 9);
      await page.goto('/');
      await expect(page.getByRole('heading', { name: 'Economia', exact: true })).toBeVisible();
      await expect(page.getByRole('heading', { name: 'Eventos de tolerância' })).toBeVisible();
      await expect(page.getByTestId('savings-cost')).toHaveText(/^R\$\s\d+,\d+$/);
      await expect(page.getByText('Previsões servidas do cache')).toBeVisible();
    });
  });
});
