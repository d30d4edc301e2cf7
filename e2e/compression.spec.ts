import { test, expect, DEMO_PRODUCT } from './fixtures';

// Under `next start`, large values go through zstd-napi (a native addon loaded from node_modules): a model and a
// year-long forecast are written compressed, cache/info counts them, and the dashboard shows the ratio.
test('large values are compressed under next start: cache/info counts them and the dashboard shows the ratio', async ({ page, api }) => {
  const { body } = await api.predict(DEMO_PRODUCT, 365);
  expect(body.forecast).toHaveLength(365);
  await expect.poll(async () => (await api.info()).compression.entries).toBeGreaterThanOrEqual(1);
  const { compression } = await api.info();
  expect(compression).toMatchObject({ mode: 'auto', min_bytes: 1024 });
  expect(compression.ratio).toBeGreaterThan(2);
  expect(compression.input_bytes).toBeGreaterThan(compression.output_bytes);

  await page.goto('/');
  await expect(page.getByTestId('kpi-compression')).toHaveText(/^\d+(\.\d+)?×$/);
  await expect(page.getByTestId('kpi-compression-detail')).toContainText('saved in Redis');
});
