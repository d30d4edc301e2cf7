import { test, expect, DEMO_PRODUCT } from './fixtures';

const OTHER_PRODUCT = 'Bolo';

test.describe('actions', () => {
  test('Clear asks first: Cancel removes nothing, confirming removes the predictions', async ({ page, api }) => {
    await api.predict(DEMO_PRODUCT, 7);
    await api.predict(OTHER_PRODUCT, 7);
    await expect.poll(async () => (await api.info()).cache_breakdown.predictions).toBeGreaterThan(0);
    const before = (await api.info()).cache_breakdown;

    await page.goto('/');
    await page.getByLabel('What to clear').selectOption('predictions');
    await page.getByRole('button', { name: 'Clear…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Clear the cache?' });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('all cached predictions');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    // Nothing was removed: same counts, and the forecasts still come from the cache.
    expect((await api.info()).cache_breakdown.predictions).toBe(before.predictions);
    expect((await api.predict(DEMO_PRODUCT, 7)).xCache).toBe('HIT');

    await page.getByRole('button', { name: 'Clear…' }).click();
    await dialog.getByRole('button', { name: 'Yes, clear' }).click();
    const result = page.getByTestId('clear-result');
    await expect(result).toBeVisible();
    const removed = Number((await page.getByTestId('clear-removed').textContent())?.replace(/,/g, ''));
    expect(removed).toBeGreaterThanOrEqual(2);
    await expect.poll(async () => (await api.info()).cache_breakdown.predictions).toBe(0);
    expect((await api.info()).cache_breakdown.models).toBe(before.models);
    expect((await api.predict(DEMO_PRODUCT, 7)).xCache).toBe('MISS');
  });

  test('Clear one product picked from the searchable list leaves the others', async ({ page, api }) => {
    await api.predict(DEMO_PRODUCT, 14);
    await api.predict(OTHER_PRODUCT, 14);
    await page.goto('/');
    await page.getByLabel('What to clear').selectOption('product');
    await page.getByLabel('Search products').first().fill('açúcar');
    const list = page.getByLabel(/^Product \(/);
    await expect(list.locator('option')).toHaveText([DEMO_PRODUCT]);
    await list.selectOption(DEMO_PRODUCT);
    await page.getByRole('button', { name: 'Clear…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Clear the cache?' });
    await expect(dialog).toContainText(`“${DEMO_PRODUCT}”`);
    await dialog.getByRole('button', { name: 'Yes, clear' }).click();
    await expect(page.getByTestId('clear-result')).toContainText(DEMO_PRODUCT);

    expect((await api.predict(DEMO_PRODUCT, 14)).xCache).toBe('MISS');
    expect((await api.predict(OTHER_PRODUCT, 14)).xCache).toBe('HIT');
  });

  test('Warm-up shows its progress until it completes', async ({ page, api }) => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Warm up' }).click();
    const progress = page.getByRole('progressbar', { name: 'Warm-up progress' });
    await expect(progress).toBeVisible();
    await expect(page.getByTestId('warm-up-count')).toHaveText(/^\d+ \/ [1-9]\d*$/);
    const result = page.getByTestId('warm-up-result');
    await expect(result).toBeVisible({ timeout: 60_000 });
    await expect(progress).toBeHidden();

    const { job } = await api.warmUpStatus();
    expect(job?.state).toBe('done');
    expect(job?.done).toBe(job?.total);
    await expect(result).toContainText(`${job?.done} of ${job?.total} tasks done`);
    // The warm-up filled the cache: the default forecasts are hits now.
    expect((await api.predict(OTHER_PRODUCT, 7)).xCache).toBe('HIT');
  });
});
