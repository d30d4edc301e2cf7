/**
 * The dashboard in both languages: which one the server picks (Accept-Language, the switch's cookie, pt-BR when
 * nothing says), its labels and number/date formats, the PT | EN switch surviving a reload, and the accent- and
 * case-insensitive product search. The other specs run in English (playwright.config.ts `locale: 'en-US'`).
 */
import type { Page } from '@playwright/test';
import type { PredictionResponse, SalesHistoryResponse } from '@/lib/api-types';
import { compareNames } from '@/lib/text/names';
import { test, expect, DEMO_PRODUCT } from './fixtures';
import { expectNoSeriousA11yViolations } from './support/axe';
import { expectDrawnPath } from './support/charts';

const productPath = `/products/${encodeURIComponent(DEMO_PRODUCT)}`;

/** The `<html lang>` of the server's first answer for these request headers: what renders before any script runs. */
async function servedLang(request: import('@playwright/test').APIRequestContext, baseURL: string, headers: Record<string, string>) {
  const html = await (await request.get(`${baseURL}/`, { headers })).text();
  return /<html[^>]*\slang="([^"]+)"/.exec(html)?.[1] ?? null;
}

/** The texts of the x-axis ticks of a chart (Recharts draws the labels in a layer of their own), once there are some. */
async function xTicks(page: Page, testId: string): Promise<string[]> {
  const labels = page.getByTestId(testId).locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value');
  await expect.poll(() => labels.count(), { message: `x-axis ticks of ${testId}` }).toBeGreaterThan(1);
  return labels.allTextContents();
}

/** The month numbers ("01".."12") of every day the forecast chart plots for a 30-day horizon. */
async function plottedMonths(request: import('@playwright/test').APIRequestContext, baseURL: string): Promise<Set<string>> {
  const name = encodeURIComponent(DEMO_PRODUCT);
  const history = (await (await request.get(`${baseURL}/api/ai/products/${name}/history?days=60`)).json()) as SalesHistoryResponse;
  const forecast = (await (await request.get(`${baseURL}/api/ai/predict?product=${name}&days=30`)).json()) as PredictionResponse;
  return new Set([...history.points.map((p) => p.date), ...forecast.forecast.map((f) => f.date)].map((d) => d.slice(5, 7)));
}

test.describe('language negotiation on the server', () => {
  test('the first HTML already carries the language: Accept-Language, the cookie, pt-BR by default', async ({ request, baseURL }) => {
    expect(await servedLang(request, baseURL!, { 'Accept-Language': 'pt-PT,pt;q=0.9' })).toBe('pt-BR');
    expect(await servedLang(request, baseURL!, { 'Accept-Language': 'en-GB,en;q=0.9' })).toBe('en');
    expect(await servedLang(request, baseURL!, { 'Accept-Language': 'fr-FR' })).toBe('en');
    expect(await servedLang(request, baseURL!, {})).toBe('pt-BR');
    expect(await servedLang(request, baseURL!, { 'Accept-Language': 'pt-BR', Cookie: 'locale=en' })).toBe('en');
    expect(await servedLang(request, baseURL!, { 'Accept-Language': 'en-US', Cookie: 'locale=pt-BR' })).toBe('pt-BR');
  });
});

test.describe('dashboard in Brazilian Portuguese', () => {
  test.use({ locale: 'pt-BR' });

  test('overview: Portuguese labels, Brazilian number and time formats, no serious accessibility violations', async ({ page, api }) => {
    for (const days of [7, 30]) for (let i = 0; i < 2; i++) await api.predict(DEMO_PRODUCT, days);
    await page.goto('/');
    await expect(page.locator('html')).toHaveAttribute('lang', 'pt-BR');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Serviço de Previsão com IA');
    await expect(page.getByTestId('service-status')).toHaveText('saudável');
    await expect(page.getByTestId('last-refresh')).toContainText('ao vivo');
    await expect(page.getByRole('heading', { name: 'Histórico' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Limpar…' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Pré-aquecer' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'PT', exact: true })).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByRole('heading', { name: 'Topologia do Redis' })).toBeVisible();
    await expect(page.getByTestId('topology-mode')).toHaveText('Instância única');
    await expect(page.getByTestId('topology-node')).toContainText('no ar');
    // 59,9% — a decimal comma, no space before the sign.
    await expect(page.getByTestId('kpi-hit-rate')).toHaveText(/^\d+(,\d)?%$/);
    await expect(page.getByTestId('chart-hit-rate')).toContainText('Taxa de acerto (linha em 60%)');
    await expectDrawnPath(page.getByTestId('chart-hit-rate'), '.recharts-line-curve');
    // The time axis on a 24-hour clock.
    const ticks = await xTicks(page, 'chart-hit-rate');
    for (const tick of ticks) expect(tick).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
    await expectNoSeriousA11yViolations(page, 'overview, pt-BR');
  });

  test('search ignores accents and case ("pao" finds "Pão de Açúcar"), and the list is in pt-BR order', async ({ page, api }) => {
    const names = (await api.products()).products.map((p) => p.name);
    const breads = names.filter((n) => n.startsWith('Pão')).sort(compareNames);
    expect(breads).toContain(DEMO_PRODUCT);
    await page.goto('/');
    const search = page.getByRole('searchbox', { name: 'Buscar produtos' });
    const list = page.getByTestId('product-list');
    await expect(list.getByRole('link')).toHaveText([...names].sort(compareNames));
    await search.fill('pao');
    await expect(list.getByRole('link')).toHaveText(breads);
    await search.fill('pao de acucar');
    await expect(list.getByRole('link')).toHaveText([DEMO_PRODUCT]);
    await search.fill('AÇUCAR');
    await expect(list.getByRole('link')).toHaveText([DEMO_PRODUCT]);
    await search.fill('zzz');
    await expect(page.getByText('Nenhum produto corresponde à busca.')).toBeVisible();
  });

  test('product page: Portuguese labels and the chart axis as dd/MM', async ({ page, request, baseURL }) => {
    const months = await plottedMonths(request, baseURL!);
    await page.goto(productPath);
    await expect(page.getByRole('heading', { name: 'Previsão', exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Retreinar' })).toBeVisible();
    await expectDrawnPath(page.getByTestId('forecast-chart'), '.recharts-line-curve');
    await expect(page.getByTestId('forecast-total')).toContainText('unidades / 30 d');
    const ticks = await xTicks(page, 'forecast-chart');
    for (const tick of ticks) {
      const [day, month] = tick.split('/');
      expect(tick).toMatch(/^\d{2}\/\d{2}$/);
      expect(months, `month of tick ${tick}`).toContain(month);
      expect(Number(day)).toBeLessThanOrEqual(31);
    }
    // Some tick has a day above 12: the first field really is the day.
    expect(ticks.some((tick) => Number(tick.split('/')[0]) > 12)).toBe(true);
  });

  test('the PT | EN switch changes the language in place and sticks across a reload', async ({ page, context }) => {
    // Three page loads and an accessibility scan of the whole dashboard: over a minute on a busy 2-core machine.
    test.slow();
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Serviço de Previsão com IA');
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('AI Prediction Service');
    await expect(page.getByTestId('service-status')).toHaveText('healthy');
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    expect((await context.cookies()).find((c) => c.name === 'locale')?.value).toBe('en');

    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('AI Prediction Service');
    await expect(page.getByRole('button', { name: 'EN', exact: true })).toHaveAttribute('aria-pressed', 'true');
    await expectNoSeriousA11yViolations(page, 'overview, English after the switch');

    await page.getByRole('button', { name: 'PT', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Serviço de Previsão com IA');
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('lang', 'pt-BR');
  });
});

test.describe('dashboard in English', () => {
  test('number formats and the chart axis as MM/dd on the product page', async ({ page, request, baseURL }) => {
    const months = await plottedMonths(request, baseURL!);
    await page.goto(productPath);
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expectDrawnPath(page.getByTestId('forecast-chart'), '.recharts-line-curve');
    await expect(page.getByTestId('forecast-total')).toContainText('units / 30 d');
    const ticks = await xTicks(page, 'forecast-chart');
    for (const tick of ticks) {
      expect(tick).toMatch(/^\d{2}\/\d{2}$/);
      expect(months, `month of tick ${tick}`).toContain(tick.split('/')[0]);
    }
    expect(ticks.some((tick) => Number(tick.split('/')[1]) > 12)).toBe(true);
  });
});
