/**
 * A start-up warning for the most common production mistake: a Redis reachable over the network with no password.
 * Whoever can write to it can plant values under the service's keys (read back validated, but a well-formed
 * forgery passes) and read every cached forecast. Loopback Redis without a password is the documented local setup.
 */
import type { RedisConnectionOptions } from '@/lib/redis-cache';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i;

/** The warning to log, or null when Redis is local or has a password. */
export function redisExposureWarning(
  redis: Partial<Pick<RedisConnectionOptions, 'host' | 'password' | 'sentinels' | 'clusterNodes' | 'tls'>> = {},
): string | null {
  if (redis.password) return null;
  const { clusterNodes = [], sentinels = [] } = redis;
  // The library's default host is loopback.
  const hosts = clusterNodes.length ? clusterNodes : sentinels.length ? sentinels : [{ host: redis.host ?? '127.0.0.1', port: 0 }];
  const remote = hosts.map((node) => node.host).filter((host) => !LOOPBACK.test(host));
  if (remote.length === 0) return null;
  return (
    `Redis at ${remote.join(', ')} is used without a password: anyone who can reach it can read and plant cached values. ` +
    `Set REDIS_PASSWORD (and REDIS_USERNAME for an ACL user)${redis.tls ? '' : ', and use TLS (rediss://) across networks'}; see the README's Security section.`
  );
}
