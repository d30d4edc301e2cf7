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

  it('does nothing outside the Node.js runtime', async () => {
    process.env.CACHE_ADMIN_RATE_LIMIT = 'lots'; // would throw if the hook ran
    process.env.NEXT_RUNTIME = 'edge';
    await expect(register()).resolves.toBeUndefined();
  });
});
