import { afterEach, describe, expect, it } from 'vitest';
import { register } from '@/instrumentation';
import { onServerStart, onServerStartOrExit } from './server-start';

describe('server start', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('refuses to start with an invalid guard setting, naming the variable', () => {
    process.env.CACHE_ADMIN_RATE_LIMIT = 'lots';
    expect(() => onServerStart()).toThrow(/CACHE_ADMIN_RATE_LIMIT/);
  });

  it('exits with status 1 on a configuration error (instead of serving 500s)', () => {
    process.env.REDIS_PORT = 'abc';
    const codes: number[] = [];
    onServerStartOrExit((code) => codes.push(code));
    expect(codes).toEqual([1]);
  });

  it('refuses to start with an invalid forecasting setting (read lazily by the module), naming the variable', () => {
    process.env.SEED_DEMO_DATA = 'nah';
    const codes: number[] = [];
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => stderr.push(String(chunk)) > 0) as typeof process.stderr.write;
    try {
      onServerStartOrExit((code) => codes.push(code));
    } finally {
      process.stderr.write = write;
    }
    expect(codes).toEqual([1]);
    expect(stderr.join('')).toMatch(/SEED_DEMO_DATA: expected true or false/);
  });

  it('does nothing outside the Node.js runtime', async () => {
    process.env.CACHE_ADMIN_RATE_LIMIT = 'lots'; // would throw if the hook ran
    process.env.NEXT_RUNTIME = 'edge';
    await expect(register()).resolves.toBeUndefined();
  });
});
