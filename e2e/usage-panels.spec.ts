import { test, expect, DEMO_PRODUCT } from './fixtures';
import { expectNoSeriousA11yViolations } from './support/axe';
import { expectDrawnPath } from './support/charts';

/** The usage panels of the overview: heat map, request volume, planned warm-up (the e2e server runs with CACHE_SMART_WARMUP=off). */
test.describe('usage panels', () => {
  test('show the requests just made in the heat map and the volume chart, and the fixed plan', async ({ page, api }) => {
    for (let i = 0; i < 3; i++) await api.predict(DEMO_PRODUCT, 7);
    await page.goto('/');
    const heatmap = page.getByTestId('usage-heatmap');
    const row = heatmap.getByTestId('usage-heatmap-row').filter({ hasText: DEMO_PRODUCT });
    await expect(row).toHaveCount(1);
    // One cell per hour of the last 24; the current hour's says how many requests it counted.
    await expect(row.locator('td')).toHaveCount(24);
    await expect(row.locator('td').last()).toHaveAttribute('aria-label', new RegExp(`^${DEMO_PRODUCT}, .*: [1-9]\\d* requests$`));
    // Every third hour labelled, on the English 12-hour clock with its AM/PM.
    const hourLabels = heatmap.locator('thead th').filter({ hasNotText: 'Product' });
    await expect(hourLabels).toHaveCount(8);
    for (const label of await hourLabels.allTextContents()) expect(label).toMatch(/^(1[0-2]|[1-9])\s(AM|PM)$/);
    await expectDrawnPath(page.getByTestId('chart-usage-volume'), '.recharts-line-curve');
    await expect(page.getByTestId('chart-usage-volume')).toContainText('CACHE_SMART_WARMUP=predictive');
    await expect(page.getByTestId('planned-warm-up')).toContainText('fixed plan: every product × 7 and 30 days');
    await expectNoSeriousA11yViolations(page, 'usage panels', 'section[aria-labelledby="usage-title"]');
  });

  test.describe('in Brazilian Portuguese', () => {
    test.use({ locale: 'pt-BR' });
    test('words the panels in pt-BR', async ({ page, api }) => {
      await api.predict(DEMO_PRODUCT, 30);
      await page.goto('/');
      await expect(page.getByRole('heading', { name: 'Uso e pré-aquecimento inteligente' })).toBeVisible();
      const cell = page.getByTestId('usage-heatmap-row').filter({ hasText: DEMO_PRODUCT }).locator('td').last();
      await expect(cell).toHaveAttribute('aria-label', /requisições$/);
      // The hour labels on the 24-hour clock.
      const hourLabels = page.getByTestId('usage-heatmap').locator('thead th').filter({ hasNotText: 'Produto' });
      await expect(hourLabels).toHaveCount(8);
      for (const label of await hourLabels.allTextContents()) expect(label).toMatch(/^([01]\d|2[0-3])$/);
      await expect(page.getByTestId('planned-warm-up')).toContainText('plano fixo');
    });
  });
});
