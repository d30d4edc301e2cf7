import { expect, type Locator } from '@playwright/test';

/** A Recharts series is drawn with data when its SVG path has more than a starting point. */
export async function expectDrawnPath(chart: Locator, selector: string, timeout = 30_000): Promise<void> {
  await expect(chart.locator('svg.recharts-surface')).toBeVisible();
  await expect
    .poll(
      async () => {
        const paths = await chart.locator(selector).evaluateAll((els) => els.map((el) => el.getAttribute('d') ?? ''));
        return paths.some((d) => /[LC]/.test(d.slice(1)));
      },
      { timeout, message: `${selector} drawn with data` },
    )
    .toBe(true);
}
