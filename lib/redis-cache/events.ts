/**
 * Typed events of a cache system, published on `node:diagnostics_channel` channels — one per event, as lru-cache
 * and BentoCache do. Publishing is skipped when nobody subscribes (the hot path asks `listening(name)`, a getter
 * on the channel, before building a payload), so events cost nothing unless observed.
 *
 * The channels are process-wide (`ai-cache:lookup`, …) so any diagnostics tool can subscribe by name; each payload
 * carries the `instanceId` of the system that published it, and {@link CacheEvents.on} delivers only its own
 * system's events.
 */
import dc from 'node:diagnostics_channel';
import type { BreakerState } from './circuit-breaker';
import type { CacheType } from './keys';

/** Where an invalidation applied. */
export type InvalidationScope = 'keys' | 'product' | 'type' | 'all';

export interface CacheEventMap {
  /** One lookup: where it was answered (`tier` null on a miss). */
  lookup: { type: CacheType; key: string; result: 'hit' | 'miss'; tier: 'l1' | 'l2' | null; durationMs: number };
  /** A wrapped function ran on a miss. */
  compute: { type: CacheType; key: string; durationMs: number; error: boolean };
  /** Where values live now. */
  backend: { backend: 'redis' | 'memory'; reason: string };
  /** Entries were invalidated (here, or on another instance when `remote`); `target` describes them for logs. */
  invalidate: { scope: InvalidationScope; target: string; removed: number; remote: boolean };
  /** The circuit breaker in front of Redis changed state (half-open: a probe is in flight). */
  breaker: { state: BreakerState; reason: string };
  /** A cross-instance lock was not acquired within its wait. */
  lockTimeout: { name: string };
  /** A computation failed and a grace copy `ageMs` old was served instead (grace.ts); `reason` is the error. */
  stale: { type: CacheType; key: string; ageMs: number; reason: string };
}

export type CacheEventName = keyof CacheEventMap;

/** What a channel carries: the event and the instance that published it. */
export type CacheEventMessage<K extends CacheEventName> = CacheEventMap[K] & { instanceId: string };

/** The process-wide channel names. */
export const CACHE_CHANNELS: Readonly<Record<CacheEventName, string>> = {
  lookup: 'ai-cache:lookup',
  compute: 'ai-cache:compute',
  backend: 'ai-cache:backend',
  invalidate: 'ai-cache:invalidate',
  breaker: 'ai-cache:breaker',
  lockTimeout: 'ai-cache:lock-timeout',
  stale: 'ai-cache:stale',
};

export class CacheEvents {
  private readonly channels: Record<CacheEventName, dc.Channel>;

  constructor(readonly instanceId: string) {
    this.channels = {
      lookup: dc.channel(CACHE_CHANNELS.lookup),
      compute: dc.channel(CACHE_CHANNELS.compute),
      backend: dc.channel(CACHE_CHANNELS.backend),
      invalidate: dc.channel(CACHE_CHANNELS.invalidate),
      breaker: dc.channel(CACHE_CHANNELS.breaker),
      lockTimeout: dc.channel(CACHE_CHANNELS.lockTimeout),
      stale: dc.channel(CACHE_CHANNELS.stale),
    };
  }

  /** True while someone subscribes to `name` (check before building a payload on a hot path). */
  listening(name: CacheEventName): boolean {
    return this.channels[name].hasSubscribers;
  }

  emit<K extends CacheEventName>(name: K, payload: CacheEventMap[K]): void {
    const channel = this.channels[name];
    if (channel.hasSubscribers) channel.publish({ ...payload, instanceId: this.instanceId } satisfies CacheEventMessage<K>);
  }

  /**
   * Calls `listener` with this system's `name` events; returns the function that stops it. A listener that throws
   * is ignored: an observer's bug must not break the cache operation that published (nor, as diagnostics_channel
   * would, surface as an uncaught exception).
   */
  on<K extends CacheEventName>(name: K, listener: (event: CacheEventMessage<K>) => void): () => void {
    const onMessage = (message: unknown) => {
      const event = message as CacheEventMessage<K>;
      if (event.instanceId !== this.instanceId) return;
      try {
        listener(event);
      } catch {
        // ignored on purpose, see above
      }
    };
    dc.subscribe(CACHE_CHANNELS[name], onMessage);
    return () => {
      dc.unsubscribe(CACHE_CHANNELS[name], onMessage);
    };
  }
}
