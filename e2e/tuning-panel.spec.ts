import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from './fixtures';
import { expectNoSeriousA11yViolations } from './support/axe';
import { sqliteDatabase, startInstances } from './support/instances';
import { runInfo } from './support/run';

const PANEL = 'section[aria-labelledby="tuning-title"]';
/** Two evaluations 10 s apart (CACHE_AUTOTUNE_INTERVAL in the e2e environment) before a change is recommended. */
const TWO_EVALUATIONS_MS = 45_000;

/** The Tuning panel of the overview: settings in force, the latest recommendation, decisions, desired instances. */
test.describe('tuning panel', () => {
  test('advice only (CACHE_AUTOTUNE off): the underused L1 is advised smaller and stays as it is', async ({ page }) => {
    await page.goto('/');
    const panel = page.locator(PANEL);
    await expect(panel.getByTestId('tuning-mode')).toHaveText('Autotune off: advice only');
    await expect(panel.getByTestId('tuning-l1')).toHaveText('10,000 entries');
    await expect(panel.getByTestId('tuning-ttl')).toContainText('300 s');
    const recommendation = panel.getByTestId('tuning-recommendation-l1_max_entries');
    await expect(recommendation).toContainText('L1 size:', { timeout: TWO_EVALUATIONS_MS });
    await expect(recommendation).toContainText('evicted nothing');
    await expect(panel.getByTestId('tuning-recommendation-prediction_ttl_seconds')).toContainText('Prediction TTL:');
    const advised = panel.getByTestId('tuning-decision').filter({ hasText: 'L1 size' }).first();
    await expect(advised).toHaveAttribute('data-outcome', 'advised', { timeout: TWO_EVALUATIONS_MS });
    await expect(advised).toContainText(/10,000 entries → [\d,]+ entries/);
    await expect(advised).toContainText('memory kept for nothing');
    await expect(panel.getByTestId('tuning-desired-count')).toHaveText(/^\d+ desired$/);
    await expect(panel.getByTestId('tuning-desired')).toContainText('ai_cache_desired_instances');
    // Advice changes nothing.
    await expect(panel.getByTestId('tuning-l1')).toHaveText('10,000 entries');
    await expectNoSeriousA11yViolations(page, 'tuning panel', PANEL);
  });

  test('autotune on: the decision is applied and the panel shows the new size', async ({ page }) => {
    test.setTimeout(150_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-cache-tuning-'));
    const apps = await startInstances({
      count: 1,
      dir,
      redis: { REDIS_HOST: '127.0.0.1', REDIS_PORT: String(runInfo().redis.port) },
      database: sqliteDatabase(dir),
      env: { CACHE_PREFIX: 'tuning_e2e', CACHE_AUTOTUNE: 'true', CACHE_AUTOTUNE_INTERVAL: '10', CACHE_L1_MAX_ENTRIES: '1000' },
      name: 'tuning',
    });
    try {
      await page.goto(apps.urls[0]!);
      const panel = page.locator(PANEL);
      await expect(panel.getByTestId('tuning-mode')).toHaveText('Autotune on: changes are applied');
      const applied = panel.getByTestId('tuning-decision').filter({ hasText: 'L1 size' }).first();
      await expect(applied).toHaveAttribute('data-outcome', 'applied', { timeout: TWO_EVALUATIONS_MS });
      await expect(applied).toContainText(/1,000 entries → [\d,]+ entries/);
      const to = /→ ([\d,]+ entries)/.exec((await applied.textContent()) ?? '')?.[1];
      expect(to).toBeDefined();
      await expect(panel.getByTestId('tuning-l1')).toHaveText(to!);
      const info = (await (await page.request.get(`${apps.urls[0]}/api/ai/cache/info`)).json()) as { l1: { max_entries: number } };
      expect(info.l1.max_entries).toBe(Number(to!.replace(/\D/g, '')));
    } finally {
      apps.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test.describe('in Brazilian Portuguese', () => {
    test.use({ locale: 'pt-BR' });
    test('words the panel in pt-BR', async ({ page }) => {
      await page.goto('/');
      const panel = page.locator(PANEL);
      await expect(page.getByRole('heading', { name: 'Ajuste automático' })).toBeVisible();
      await expect(panel.getByTestId('tuning-mode')).toHaveText('Ajuste automático desligado: só recomendações');
      await expect(panel.getByTestId('tuning-l1')).toHaveText('10.000 entradas');
      await expect(panel.getByTestId('tuning-decision').first()).toContainText('recomendada', { timeout: TWO_EVALUATIONS_MS });
    });
  });
});
