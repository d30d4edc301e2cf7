import { test, expect, DEMO_PRODUCT } from './fixtures';
import { expectNoSeriousA11yViolations } from './support/axe';
import { expectDrawnPath } from './support/charts';

const productPath = `/products/${encodeURIComponent(DEMO_PRODUCT)}`;

test.describe('product page', () => {
  test('shows the forecast with history and interval, where it came from, and the model', async ({ page }) => {
    await page.goto(productPath);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(DEMO_PRODUCT);
    const chart = page.getByTestId('forecast-chart');
    await expectDrawnPath(chart, '.recharts-line-curve');
    await expect(chart.locator('.recharts-line-curve')).toHaveCount(2); // sales history tail + forecast
    await expectDrawnPath(chart, '.recharts-area-area'); // 80 % band
    await expect(page.getByTestId('cache-status')).toHaveText(/^(HIT|MISS)$/);
    await expect(page.getByTestId('server-time')).toHaveText(/\d+(\.\d+)? (ms|sec)$/);
    await expect(page.getByTestId('model-version')).toHaveText(/^v\d+$/);
    await expect(page.getByTestId('model-trained-at')).not.toHaveText('—');

    // The horizon picker asks for another forecast; asking again is served by the cache.
    await page.getByRole('radio', { name: '7 d' }).check({ force: true });
    await expect(page.getByTestId('forecast-total')).toContainText('/ 7 d');
    await page.reload();
    await page.getByRole('radio', { name: '7 d' }).check({ force: true });
    await expect(page.getByTestId('forecast-total')).toContainText('/ 7 d');
    await expect(page.getByTestId('cache-status')).toHaveText('HIT');

    await expectNoSeriousA11yViolations(page, 'product page');
  });

  test('Retrain asks first, then bumps the model version and the next forecast is computed anew', async ({ page, api }) => {
    await page.goto(productPath);
    const version = page.getByTestId('model-version');
    await expect(version).toHaveText(/^v\d+$/);
    const before = Number((await version.textContent())!.slice(1));
    await expect(page.getByTestId('cache-status')).toHaveText(/^(HIT|MISS)$/);

    await page.getByRole('button', { name: 'Retrain' }).click();
    const dialog = page.getByRole('dialog', { name: `Retrain “${DEMO_PRODUCT}”?` });
    await expect(dialog).toBeVisible();
    await expectNoSeriousA11yViolations(page, 'retrain confirmation', 'dialog');
    await dialog.getByRole('button', { name: 'Yes, retrain' }).click();
    await expect(page.getByTestId('retrain-result')).toBeVisible({ timeout: 30_000 });
    await expect(version).toHaveText(`v${before + 1}`);
    await expect(page.getByTestId('cache-status')).toHaveText('MISS');

    const { body } = await api.predict(DEMO_PRODUCT, 30);
    expect(body.model_version).toBe(before + 1);
  });

  test('an unknown product answers 404 with a way back', async ({ page, consoleLog }) => {
    consoleLog.allow(/status of 404/);
    const response = await page.goto(`/products/${encodeURIComponent('No Such Bread*')}`);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Unknown product');
    await page.getByRole('link', { name: /Back to the cache overview/ }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('AI Prediction Service');
  });

  test('a page the dashboard does not have answers 404 with the root not-found page', async ({ page, consoleLog }) => {
    consoleLog.allow(/status of 404/);
    const response = await page.goto('/no/such/page');
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
    await page.getByRole('link', { name: /Back to the cache overview/ }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('AI Prediction Service');
  });
});
