import { defineConfig, devices } from '@playwright/test';

// e2e runs against `next start` of the production build (scripts/test.sh builds first). The global setup starts a
// private redis-server and the server on free ports (see e2e/global-setup.ts); specs get the URL from it.
export default defineConfig({
  testDir: 'e2e',
  outputDir: '.test-artifacts/playwright',
  globalSetup: './e2e/global-setup.ts',
  // One server, one Redis that some specs stop and restart: run serially.
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // A stray test.only would silently run a handful of tests and report them green: refuse it, locally too.
  forbidOnly: true,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    trace: 'retain-on-failure',
    ...devices['Desktop Chrome'],
    viewport: { width: 1440, height: 900 },
    // The specs name English labels: browsers send Accept-Language en-US (the dashboard's default is pt-BR).
    // e2e/i18n.spec.ts opens its own contexts in Portuguese.
    locale: 'en-US',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
});
