import { describe, expect, it } from 'vitest';
import { redisExposureWarning } from './redis-exposure';

const base = { host: '127.0.0.1', password: undefined, sentinels: [], clusterNodes: [], tls: false };

describe('redisExposureWarning', () => {
  it('is silent for a loopback Redis or one with a password', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '127.1.2.3']) expect(redisExposureWarning({ ...base, host })).toBeNull();
    expect(redisExposureWarning({ ...base, host: 'redis.internal', password: 's3cret' })).toBeNull();
  });
  it('warns for a remote Redis without a password, naming the host but no secret, and suggests TLS when off', () => {
    const warning = redisExposureWarning({ ...base, host: 'redis.internal' });
    expect(warning).toContain('redis.internal');
    expect(warning).toContain('REDIS_PASSWORD');
    expect(warning).toContain('rediss://');
    expect(redisExposureWarning({ ...base, host: 'redis.internal', tls: true })).not.toContain('rediss://');
  });
  it('looks at Sentinel and Cluster nodes when they are configured', () => {
    expect(redisExposureWarning({ ...base, sentinels: [{ host: '10.0.0.5', port: 26379 }] })).toContain('10.0.0.5');
    expect(redisExposureWarning({ ...base, clusterNodes: [{ host: '127.0.0.1', port: 7000 }] })).toBeNull();
  });
});
