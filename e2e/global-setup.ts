/**
 * Starts the e2e run's private world: one redis-server and one `next start` (of the build scripts/test.sh made),
 * on free ports, with database, logs and Redis data in a temporary directory. Specs find them through the run
 * file named by E2E_RUN_FILE (see support/run.ts); they may stop and restart that Redis. Returns the teardown.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FullConfig } from '@playwright/test';
import { appEnv, freePort, startNext, startRedis, stopNext, stopRedis, type RedisControl } from './support/processes';
import type { RunInfo } from './support/run';

export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  if (!fs.existsSync(path.join(process.cwd(), '.next', 'BUILD_ID'))) {
    throw new Error('No production build: run `npx next build` first (npm test does).');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-cache-e2e-'));
  const redis: RedisControl = { port: await freePort(), dir };
  await startRedis(redis);
  const env = appEnv(dir, 'main', redis.port);
  let server;
  try {
    server = await startNext({ dir, name: 'main', env });
  } catch (error) {
    await stopRedis(redis).catch(() => undefined);
    throw error;
  }

  const info: RunInfo = { dir, redis, baseURL: server.url, pollMs: Number(env.DASHBOARD_POLL_MS) };
  const runFile = path.join(dir, 'run.json');
  fs.writeFileSync(runFile, JSON.stringify(info, null, 2));
  process.env.E2E_RUN_FILE = runFile;

  return async () => {
    stopNext(server);
    await stopRedis(redis).catch(() => undefined);
    // Keep the logs when something failed: they are the first thing to read.
    const keep = process.env.E2E_KEEP_DIR === '1';
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  };
}
