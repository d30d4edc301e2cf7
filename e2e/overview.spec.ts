import fs from 'node:fs';
import { test, expect, DEMO_PRODUCT, type Api } from './fixtures';
import { expectNoSeriousA11yViolations } from './support/axe';
import { expectDrawnPath } from './support/charts';
import { startRedis, stopRedis } from './support/processes';
import { runInfo } from './support/run';

const SCREENSHOTS = '.test-artifacts/screenshots';

/** Some cache traffic (misses, then hits) so the history has lookups and key samples. */
async function driveTraffic(api: Api): Promise<void> {
  for (const days of [7, 30]) {
    await api.predict(DEMO_PRODUCT, days);
    await api.predict(DEMO_PRODUCT, days);
  }
  await api.products();
}

test.describe('overview', () => {
  test('shows status, backend, KPIs, TTLs and all charts with data', async ({ page, api }) => {
    await driveTraffic(api);
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('AI Prediction Service');
    await expect(page.getByTestId('service-status')).toHaveText('healthy');
    await expect(page.getByTestId('backend')).toContainText(`:${runInfo().redis.port}`);
    await expect(page.getByTestId('last-refresh')).toContainText('live');
    await expect(page.getByTestId('kpi-hit-rate')).toHaveText(/^\d+(\.\d)?%$/);
    await expect(page.getByTestId('kpi-memory')).toHaveText(/\d/);
    await expect(page.getByTestId('ttl-models')).toContainText('21600');
    await expect(page.getByTestId('ttl-predictions')).toContainText('300');
    // The topology card: one standalone node, up, with its memory.
    await expect(page.getByTestId('topology-mode')).toHaveText('Standalone');
    await expect(page.getByTestId('topology-status')).toHaveText('ok');
    await expect(page.getByTestId('topology-node')).toHaveCount(1);
    await expect(page.getByTestId('topology-node')).toContainText(`:${runInfo().redis.port}`);
    await expect(page.getByTestId('topology-node')).toContainText('up');

    await expectDrawnPath(page.getByTestId('chart-hit-rate'), '.recharts-line-curve');
    await expectDrawnPath(page.getByTestId('chart-memory'), '.recharts-area-curve');
    await expectDrawnPath(page.getByTestId('chart-keys'), '.recharts-area-curve');
    // The thresholds are drawn: 60 % on the hit rate, 100 MB on memory.
    await expect(page.getByTestId('chart-hit-rate').locator('.recharts-reference-line')).toHaveCount(1);
    await expect(page.getByTestId('chart-memory').locator('.recharts-reference-line')).toHaveCount(1);

    // The range picker is a labelled radio group; switching keeps the charts drawn.
    await page.getByRole('radio', { name: '1 h' }).check({ force: true });
    await expect(page.getByRole('radio', { name: '1 h' })).toBeChecked();
    await expectDrawnPath(page.getByTestId('chart-hit-rate'), '.recharts-line-curve');
  });

  test('"fallback active" appears with the first poll after Redis stops and clears after it restarts', async ({ page }) => {
    const { redis } = runInfo();
    await page.goto('/');
    await expect(page.getByTestId('service-status')).toHaveText('healthy');
    const banner = page.getByTestId('alert-redis_down');
    await expect(banner).toHaveCount(0);

    // The first info answer that reports the fallback is the one the page must show it with.
    const infoSays = (backend: 'redis' | 'memory') =>
      page.waitForResponse(
        async (res) => res.url().endsWith('/api/ai/cache/info') && res.ok() && ((await res.json()) as { backend: string }).backend === backend,
        { timeout: 30_000 },
      );
    const fallbackPoll = infoSays('memory');
    await stopRedis(redis);
    try {
      await fallbackPoll;
      await expect(banner).toBeVisible();
      await expect(banner).toContainText(/fallback/i);
      await expect(banner).toContainText('What to do');
      await expect(page.getByTestId('backend')).toHaveText('in-memory fallback');
      await expect(page.getByTestId('service-status')).toHaveText('degraded');
      await expectNoSeriousA11yViolations(page, 'alert banners', '[data-testid=alerts]');
    } finally {
      const redisPoll = infoSays('redis');
      await startRedis(redis);
      await redisPoll;
    }
    await expect(banner).toHaveCount(0);
    await expect(page.getByTestId('service-status')).toHaveText('healthy');
    await expect(page.getByTestId('backend')).toContainText(`:${redis.port}`);
  });

  test('"cache not effective" appears when misses dominate and clears after hits', async ({ page, api }) => {
    await page.goto('/');
    const banner = page.getByTestId('alert-low_hit_rate');
    const products = (await api.products()).products.map((p) => p.name);
    let n = 0;
    const lowHitRate = async () => (await api.info()).alerts.some((a) => a.code === 'low_hit_rate');

    // Misses: forecasts nobody asked for yet (each product × horizon is a new key).
    await expect
      .poll(
        async () => {
          for (let i = 0; i < 20; i++, n++) await api.predict(products[n % products.length], 100 - Math.floor(n / products.length));
          return lowHitRate();
        },
        { timeout: 90_000, intervals: [0], message: 'driving misses until the API reports a low hit rate' },
      )
      .toBe(true);
    await expect(banner).toBeVisible();
    await expect(banner).toContainText('What to do');

    // Hits: the same forecast again and again.
    await api.predict(DEMO_PRODUCT, 7);
    await expect
      .poll(
        async () => {
          for (let i = 0; i < 50; i++) await api.predict(DEMO_PRODUCT, 7);
          return lowHitRate();
        },
        { timeout: 90_000, intervals: [0], message: 'driving hits until the low hit rate alert clears' },
      )
      .toBe(false);
    await expect(banner).toHaveCount(0);
  });

  test('a slow server gets one poll at a time, and errors are shown as not live', async ({ page, consoleLog }) => {
    // Make every info answer take 2 polling intervals (the injected fault), and count requests in flight.
    const { pollMs } = runInfo();
    let inFlight = 0;
    let maxInFlight = 0;
    let answered = 0;
    let failing = false;
    await page.route('**/api/ai/cache/info', async (route) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 2 * pollMs));
      if (failing) await route.fulfill({ status: 503, json: { error: { code: 'unavailable', message: 'Service unavailable' } } });
      else await route.continue();
      inFlight--;
      answered++;
    });
    await page.goto('/');
    await expect.poll(() => answered, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    expect(maxInFlight).toBe(1);

    // The API fails: the page says so, and marks the numbers it still shows as not live.
    consoleLog.allow(/status of 503/);
    failing = true;
    await expect(page.getByTestId('alert-api-unreachable')).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId('last-refresh')).toContainText('not live');
    await expect(page.getByTestId('alert-api-unreachable')).toContainText('not live');
    failing = false;
    await page.unroute('**/api/ai/cache/info');
    await expect(page.getByTestId('alert-api-unreachable')).toHaveCount(0, { timeout: 20_000 });
    await expect(page.getByTestId('last-refresh')).not.toContainText('not live');
  });

  test('screenshots (desktop and mobile, light and dark) and no serious accessibility violations', async ({ page, api }) => {
    test.setTimeout(120_000);
    await driveTraffic(api);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const [name, viewport] of [
        ['desktop', { width: 1440, height: 900 }],
        ['mobile', { width: 390, height: 844 }],
      ] as const) {
        await page.emulateMedia({ colorScheme });
        await page.setViewportSize(viewport);
        await page.goto('/');
        await expect(page.getByTestId('service-status')).toHaveText('healthy');
        await expectDrawnPath(page.getByTestId('chart-hit-rate'), '.recharts-line-curve');
        await expectDrawnPath(page.getByTestId('chart-memory'), '.recharts-area-curve');
        // Nothing wider than the screen: readable without sideways scrolling.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `horizontal overflow at ${viewport.width}px`).toBeLessThanOrEqual(0);
        await page.screenshot({ path: `${SCREENSHOTS}/overview-${name}-${colorScheme}.png`, fullPage: true });

        if (name === 'desktop') await expectNoSeriousA11yViolations(page, `overview, ${colorScheme}`);
      }
    }
  });
});
