import { test, expect } from './fixtures';
import { expectNoSeriousA11yViolations } from './support/axe';
import { appEnv, startNext, stopNext, type NextServer } from './support/processes';
import { runInfo } from './support/run';

const TOKEN = 'e2e-admin-token-7f3a';

// A second server of the same build with CACHE_ADMIN_TOKEN set (own database; Redis db 1 and its own key prefix,
// so its pub/sub invalidations never reach the main server), and a memory alert
// threshold of 1 byte so its "Possible leak" banner shows.
let server: NextServer;

test.beforeAll(async () => {
  test.setTimeout(90_000);
  const { dir, redis } = runInfo();
  const env = appEnv(dir, 'token', redis.port, {
    CACHE_ADMIN_TOKEN: TOKEN,
    REDIS_DB: '1',
    CACHE_PREFIX: 'ai_module_token_e2e',
    CACHE_ALERT_MEMORY_MAX_BYTES: '1',
  });
  server = await startNext({ dir, name: 'token', env });
});

test.afterAll(() => {
  if (server) stopNext(server);
});

test('"Possible leak" shows when Redis memory is above the threshold', async ({ page }) => {
  await page.goto(server.url + '/');
  const leak = page.getByTestId('alert-high_memory');
  await expect(leak).toBeVisible();
  await expect(leak).toContainText('Possible leak');
  await expect(leak).toContainText('What to do');
});

test('asks for the admin token once, keeps it for the session, and refuses without it', async ({ page, consoleLog }) => {
  test.setTimeout(90_000);
  // The browser logs the 401 (no token) and 403 (wrong token) this test provokes on purpose.
  consoleLog.allow(/status of 40[13] /);
  await page.goto(server.url + '/');
  const prompt = page.getByRole('dialog', { name: 'Admin token required' });

  // Cancel: nothing is done, and the page says why.
  await page.getByRole('button', { name: 'Warm up' }).click();
  await expect(prompt).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'admin token prompt', 'dialog');
  await prompt.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('warm-up-error')).toContainText('admin token');
  expect((await (await page.request.get(server.url + '/api/ai/cache/warm-up')).json()).job).toBeNull();

  // A wrong token is rejected and not kept.
  await page.getByRole('button', { name: 'Warm up' }).click();
  await prompt.getByLabel('Admin token').fill('wrong-token');
  await prompt.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByTestId('warm-up-error')).toContainText('rejected');
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

  // The right token: the warm-up runs, and the token is kept for this session only.
  await page.getByRole('button', { name: 'Warm up' }).click();
  await prompt.getByLabel('Admin token').fill(TOKEN);
  await prompt.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByTestId('warm-up-result')).toBeVisible({ timeout: 60_000 });
  expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([TOKEN]);
  expect(await page.evaluate(() => localStorage.length)).toBe(0);

  // Next action: no prompt again.
  await page.getByLabel('What to clear').selectOption('predictions');
  await page.getByRole('button', { name: 'Clear…' }).click();
  await page.getByRole('dialog', { name: 'Clear the cache?' }).getByRole('button', { name: 'Yes, clear' }).click();
  await expect(page.getByTestId('clear-result')).toBeVisible();
  await expect(prompt).toBeHidden();
});
