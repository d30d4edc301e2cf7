import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CacheInfo } from '@/lib/api-types';
import { waitFor } from '@/test/helpers/redis-server';
import { expect, test } from './fixtures';
import { appEnv, freePort, startNext, startRedis, stopNext, stopRedis, type RedisControl } from './support/processes';

/**
 * SIGTERM (a deploy, a scale-in) is a graceful shutdown: the lookups this instance counted but had not yet flushed
 * reach Redis before the process exits, and it says so in its log. Its own server and Redis, so the shared
 * statistics are only this instance's.
 */
test('SIGTERM flushes the counters to Redis, closes its connections and exits', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-cache-shutdown-'));
  const redis: RedisControl = { port: await freePort(), dir };
  await startRedis(redis);
  const server = await startNext({ dir, name: 'shutdown', env: appEnv(dir, 'shutdown', redis.port, { LOG_LEVEL: 'info' }) });
  try {
    for (let i = 0; i < 5; i++) expect((await fetch(`${server.url}/api/ai/products`)).status).toBe(200);
    // What the instance has counted (the shared totals plus its own not yet flushed)…
    const info = (await (await fetch(`${server.url}/api/ai/cache/info`)).json()) as CacheInfo;
    const counted = info.hits + info.misses;
    expect(counted).toBeGreaterThanOrEqual(5);
    stopNext(server); // SIGTERM at once: the last lookups are still unflushed (the flush runs every second)
    await waitFor(() => fs.readFileSync(path.join(dir, 'ai_service-shutdown.log'), 'utf8').includes('shutdown complete'), 20_000, 50, 'shutdown');
    // …is all in Redis once the process is gone.
    const totals = execFileSync('redis-cli', ['-p', String(redis.port), '--scan', '--pattern', '*{stats}:totals'], { encoding: 'utf8' }).trim();
    const fields = execFileSync('redis-cli', ['-p', String(redis.port), 'HGETALL', totals], { encoding: 'utf8' })
      .trim()
      .split('\n');
    let flushed = 0;
    for (let i = 0; i + 1 < fields.length; i += 2) if (/^[hm]\d$/.test(fields[i]!)) flushed += Number(fields[i + 1]);
    expect(flushed).toBe(counted);
    const clients = execFileSync('redis-cli', ['-p', String(redis.port), 'CLIENT', 'LIST'], { encoding: 'utf8' })
      .trim()
      .split('\n');
    await waitFor(
      () =>
        execFileSync('redis-cli', ['-p', String(redis.port), 'CLIENT', 'LIST'], { encoding: 'utf8' })
          .trim()
          .split('\n').length === 1,
      10_000,
      50,
      `the service's Redis connections to close (had ${clients.length - 1})`,
    );
  } finally {
    stopNext(server);
    await stopRedis(redis).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
