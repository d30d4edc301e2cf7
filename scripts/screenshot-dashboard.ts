/**
 * Takes the README's screenshots of the overview, in English (docs/dashboard.png) and Brazilian Portuguese
 * (docs/dashboard-pt-BR.png): a private redis-server and `next start` of the current build on free ports, some
 * cache traffic so the charts have lines, then one full-page shot per language at 1440 px. Needs a build
 * (`npx next build`) and Chromium (CHROMIUM_PATH or /usr/bin/chromium).
 *
 *   npm run screenshots
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { appEnv, freePort, startNext, startRedis, stopNext, stopRedis, type RedisControl } from '../e2e/support/processes';
import type { Locale } from '../lib/i18n/locales';
import { exitWithUsageIfAsked } from './cli';

exitWithUsageIfAsked(`
usage: npm run screenshots
Takes the README's screenshots of the overview in English (docs/dashboard.png) and Brazilian Portuguese
(docs/dashboard-pt-BR.png) against a private redis-server and next start of the current build (run npx next build
first); needs Chromium (CHROMIUM_PATH or /usr/bin/chromium).
`);

const PRODUCT = 'Pão de Açúcar';
const SHOTS: { locale: Locale; browserLocale: string; file: string }[] = [
  { locale: 'en', browserLocale: 'en-US', file: 'docs/dashboard.png' },
  { locale: 'pt-BR', browserLocale: 'pt-BR', file: 'docs/dashboard-pt-BR.png' },
];

/** Misses then hits, so the hit-rate, memory and keys charts have something to draw. */
async function driveTraffic(baseURL: string): Promise<void> {
  for (const days of [7, 14, 30]) {
    for (let i = 0; i < 3; i++) await fetch(`${baseURL}/api/ai/predict?product=${encodeURIComponent(PRODUCT)}&days=${days}`);
  }
  await fetch(`${baseURL}/api/ai/products`);
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(process.cwd(), '.next', 'BUILD_ID'))) throw new Error('No production build: run `npx next build` first.');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-cache-shots-'));
  const redis: RedisControl = { port: await freePort(), dir };
  await startRedis(redis);
  const server = await startNext({ dir, name: 'shots', env: appEnv(dir, 'shots', redis.port) });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    await driveTraffic(server.url);
    for (const shot of SHOTS) {
      const page = await browser.newPage({ locale: shot.browserLocale, viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
      await page.goto(server.url);
      await page.locator(`html[lang="${shot.locale}"]`).waitFor();
      // Wait for live data: the status badge answered and the hit-rate chart drew its line.
      await page.locator('[data-testid=kpi-hits]').waitFor();
      await page.locator('[data-testid=chart-hit-rate] .recharts-line-curve').waitFor();
      // Key counts come from the cache's bookkeeping a moment after the traffic: wait until the KPI shows them.
      await page.waitForFunction(() => /[1-9]/.test(document.querySelector('[data-testid=kpi-keys]')?.textContent ?? ''), undefined, {
        timeout: 30_000,
      });
      await page.screenshot({ path: shot.file, fullPage: true });
      await page.close();
      console.log(`wrote ${shot.file}`);
    }
  } finally {
    await browser.close();
    stopNext(server);
    await stopRedis(redis).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
