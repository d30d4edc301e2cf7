/**
 * One instance cut off from Redis while the others are not (a TCP proxy between it and Redis): what it stored in
 * its fallback meanwhile must not shadow what the others wrote to Redis once it is back.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { cached } from '@/lib/redis-cache';
import { startTcpProxy, type TcpProxyHandle } from '@/test/helpers/tcp-proxy';
import { waitFor } from '@/test/helpers/redis-server';
import { usePrivateRedis } from './setup';

const fixture = usePrivateRedis();
let proxy: TcpProxyHandle | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

describe('a partition of one instance', () => {
  test('a value written to the fallback during the outage does not shadow a newer Redis value afterwards', async () => {
    proxy = await startTcpProxy(fixture.redis().port);
    const healthy = fixture.system();
    const cutOff = fixture.system({ prefix: healthy.options.prefix }, `redis://${proxy.host}:${proxy.port}`);
    await Promise.all([healthy.connect(), cutOff.connect()]);
    let version = 1;
    const listOn = (s: typeof healthy) => cached(async () => ({ version }), { ttl: 600, system: s, key: () => 'partition:list' });
    const onCutOff = listOn(cutOff);
    const onHealthy = listOn(healthy);

    proxy.partition();
    await waitFor(async () => (await cutOff.healthCheck()).backend === 'memory', 5000, 20, 'the cut-off instance on its fallback');
    expect(await onCutOff()).toEqual({ version: 1 }); // computed into its fallback
    expect(cutOff.inspectLocal(cutOff.keys.other('partition:list'))).toBeDefined();

    // Meanwhile the data changes and the healthy instance clears and recomputes: Redis holds version 2. The
    // cut-off instance hears nothing of it.
    version = 2;
    await healthy.clear('other');
    expect(await onHealthy()).toEqual({ version: 2 });
    version = 3; // later changes are not cleared: Redis' version 2 stays the one to serve

    proxy.heal();
    await waitFor(async () => (await cutOff.healthCheck()).backend === 'redis', 10_000, 20, 'the cut-off instance back on Redis');
    expect(await onCutOff()).toEqual({ version: 2 });
  });
});
