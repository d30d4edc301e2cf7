/** The process logger: JSON lines to LOG_FILE (directory created), secrets redacted. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { waitFor } from '@/test/helpers/redis-server';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logger-test-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('writes JSON lines to LOG_FILE in a created directory and redacts secrets', async () => {
  const file = path.join(dir, 'nested', 'ai_service.log');
  const before = { LOG_FILE: process.env.LOG_FILE, LOG_LEVEL: process.env.LOG_LEVEL };
  process.env.LOG_FILE = file;
  process.env.LOG_LEVEL = 'info';
  delete (globalThis as { __aiServiceLogger?: unknown }).__aiServiceLogger;
  try {
    const { getLogger, logger } = await import('@/lib/logger');
    expect(getLogger()).toBe(getLogger());
    logger.info({ component: 'redis', password: 's3cret', config: { password: 'x1', token: 't0k' } }, 'redis main ready');
    getLogger().flush();
    await waitFor(() => fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes('redis main ready'), 5000, 20, 'log line');
    const line = JSON.parse(fs.readFileSync(file, 'utf8').trim().split('\n').pop()!);
    expect(line).toMatchObject({ level: 30, msg: 'redis main ready', component: 'redis', password: '[redacted]' });
    expect(JSON.stringify(line)).not.toMatch(/s3cret|x1|t0k/);
  } finally {
    delete (globalThis as { __aiServiceLogger?: unknown }).__aiServiceLogger;
    process.env.LOG_FILE = before.LOG_FILE;
    process.env.LOG_LEVEL = before.LOG_LEVEL;
    if (before.LOG_FILE === undefined) delete process.env.LOG_FILE;
    if (before.LOG_LEVEL === undefined) delete process.env.LOG_LEVEL;
  }
});

test('cache and connection lines carry one "component" key each (no duplicate JSON keys)', async () => {
  const { Writable } = await import('node:stream');
  const pino = (await import('pino')).default;
  const { makeSystem } = await import('./setup');
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const system = makeSystem(null, { logger: pino({ level: 'info' }, sink) });
  try {
    await system.models.getModel('Bolo'); // Redis absent: the fallback line
    await system.models.invalidateModel('Bolo'); // a cache line
    await waitFor(
      () => lines.some((l) => l.includes('fallback active')) && lines.some((l) => l.includes('cache invalidated')),
      5000,
      20,
      'log lines',
    );
  } finally {
    await system.close();
  }
  for (const line of lines) expect(line.match(/"component":/g), line).toHaveLength(1);
  expect(JSON.parse(lines.find((l) => l.includes('fallback active'))!)).toMatchObject({ component: 'redis' });
  expect(JSON.parse(lines.find((l) => l.includes('cache invalidated'))!)).toMatchObject({ component: 'cache' });
});

test('hits and misses are logged at debug level, and not built at all at info', async () => {
  const { Writable } = await import('node:stream');
  const pino = (await import('pino')).default;
  const { makeSystem } = await import('./setup');
  const run = async (level: string) => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    const system = makeSystem(null, { logger: pino({ level }, sink) });
    try {
      expect(system.events.listening('lookup')).toBe(level === 'debug');
      await system.models.getModel('Bolo'); // miss
      await system.models.setModel('Bolo', { v: 1 });
      await system.models.getModel('Bolo'); // hit (L1)
      if (level === 'debug') await waitFor(() => lines.filter((l) => l.component === 'cache').length >= 2, 5000, 10, 'debug lines');
    } finally {
      await system.close();
    }
    return lines.filter((l) => typeof l.msg === 'string' && /^cache (hit|miss)$/.test(l.msg));
  };
  const debug = await run('debug');
  expect(debug.map((l) => [l.msg, l.type, l.tier])).toEqual([
    ['cache miss', 'models', null],
    ['cache hit', 'models', 'l1'],
  ]);
  expect(debug[0]).toMatchObject({ level: 20, component: 'cache', key: expect.stringContaining('model:') });
  expect(await run('info')).toEqual([]);
});
