/**
 * Invalidations between instances over Redis pub/sub: every instance subscribes to `<prefix>:_meta:invalidate`
 * on its own connection and drops from its L1 what another instance invalidated.
 *
 * Message format: `<instance id>\n<target JSON>`; an instance drops its own echoes without parsing. A message
 * from anything else that publishes there is validated and ignored when malformed.
 *
 * An L1 copy taken while this instance could not hear the channel may have missed an invalidation, so every
 * (re)subscription drops all L1 copies of Redis values (`onDeafness`).
 */
import { createRedisClient, logConnectionState } from './connection';
import { CACHE_TYPES } from './keys';
import type { CacheLogger } from './logger';
import type { ResolvedCacheOptions } from './options';
import { quit, type RedisGate } from './redis-gate';
import type { RedisClient } from './scripts';

/** Where an invalidation applies: explicit keys, one product, a type, or everything of this prefix. */
export type InvalidationTarget =
  { kind: 'keys'; keys: string[] } | { kind: 'product'; product: string } | { kind: 'type'; type: (typeof CACHE_TYPES)[number] } | { kind: 'all' };

export interface BusOptions {
  redis: ResolvedCacheOptions['redis'];
  gate: RedisGate;
  channel: string;
  instanceId: string;
  log: CacheLogger;
  /** Another instance invalidated `target`. */
  onRemote: (target: InvalidationTarget) => void;
  /** This instance may have missed messages (its subscription just became active): drop L1 copies of Redis values. */
  onDeafness: (why: string) => void;
}

export class InvalidationBus {
  private subscriber: RedisClient | null = null;
  private wasReady = false;
  private closed = false;
  private resolveSubscribed!: () => void;
  /** Resolves once the channel is subscribed (this instance hears other instances from then on). */
  readonly subscribed: Promise<void> = new Promise<void>((resolve) => (this.resolveSubscribed = resolve));

  constructor(private readonly o: BusOptions) {}

  /** Opens the subscriber connection and subscribes (retried by the client's own reconnection). */
  start(): void {
    if (this.subscriber || this.closed) return;
    // Standalone and Sentinel: ioredis' own resubscription after a reconnect sends SUBSCRIBE without handling its
    // failure — an unhandled rejection when the connection drops again at once (no offline queue) — so the channel is
    // subscribed again here instead. A Cluster client resubscribes through its own subscriber connection.
    const resubscribeHere = this.o.redis.mode !== 'cluster';
    const sub = createRedisClient(this.o.redis, 'subscriber', { autoResubscribe: !resubscribeHere });
    this.subscriber = sub;
    logConnectionState(sub, this.o.redis, 'subscriber', this.o.log);
    sub.on('ready', () => {
      const reconnected = this.wasReady;
      this.wasReady = true;
      if (!reconnected) return; // the first subscription is made below
      if (!resubscribeHere) return this.o.onDeafness('invalidation channel reconnected');
      void sub.subscribe(this.o.channel).then(
        () => this.o.onDeafness('invalidation channel reconnected'),
        () => undefined, // dropped again: the next 'ready' subscribes
      );
    });
    sub.on('message', (channel: string, message: string) => {
      if (channel === this.o.channel) this.receive(message);
    });
    const subscribed = () => {
      this.o.onDeafness('invalidation channel subscribed');
      this.resolveSubscribed();
    };
    sub
      .connect()
      .then(() => sub.subscribe(this.o.channel))
      .then(subscribed)
      .catch(() => {
        // Subscriptions are restored on reconnect (autoResubscribe); the first one is made once the client is ready.
        if (!this.closed && sub.status !== 'end')
          sub.once(
            'ready',
            () =>
              void sub
                .subscribe(this.o.channel)
                .then(subscribed)
                .catch(() => undefined),
          );
      });
  }

  /** Tells the other instances (fire and forget; nothing is sent while Redis is unavailable). */
  publish(target: InvalidationTarget): void {
    if (!this.o.gate.up) return;
    void this.o.gate.run((c) => c.publish(this.o.channel, this.o.instanceId + '\n' + JSON.stringify(target)));
  }

  private receive(message: string): void {
    const nl = message.indexOf('\n');
    if (nl < 0 || message.slice(0, nl) === this.o.instanceId) return;
    let target: InvalidationTarget;
    try {
      target = parseTarget(message.slice(nl + 1));
    } catch {
      this.o.log.warn({}, 'malformed invalidation message ignored');
      return;
    }
    this.o.onRemote(target);
  }

  async close(): Promise<void> {
    this.closed = true;
    await quit(this.subscriber);
  }
}

/** Validates an invalidation message (another instance, or anything else that publishes on the channel). */
export function parseTarget(json: string): InvalidationTarget {
  const t = JSON.parse(json) as InvalidationTarget | null;
  switch (t?.kind) {
    case 'keys':
      if (Array.isArray(t.keys) && t.keys.every((k) => typeof k === 'string')) return { kind: 'keys', keys: t.keys };
      break;
    case 'product':
      if (typeof t.product === 'string') return { kind: 'product', product: t.product };
      break;
    case 'type':
      if (CACHE_TYPES.includes(t.type)) return { kind: 'type', type: t.type };
      break;
    case 'all':
      return { kind: 'all' };
  }
  throw new TypeError('malformed invalidation');
}

/** A short description for logs: "all", a type, "product <name>", "key <key>" or "<n> keys". */
export function describeTarget(t: InvalidationTarget): string {
  switch (t.kind) {
    case 'keys':
      return t.keys.length === 1 ? `key ${t.keys[0]}` : `${t.keys.length} keys`;
    case 'product':
      return `product ${t.product}`;
    case 'type':
      return t.type;
    case 'all':
      return 'all';
  }
}
