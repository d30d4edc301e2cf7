/**
 * Typed events of the cache system. Emitting costs nothing when nobody listens: the hot path checks the
 * `listening` flags (maintained on add/remove of listeners) before building an event object.
 */
import { EventEmitter } from 'node:events';
import type { CacheType } from './keys';

export interface CacheEvents {
  /** One lookup: where it was answered (`tier` null on a miss). */
  lookup: { type: CacheType; key: string; result: 'hit' | 'miss'; tier: 'l1' | 'l2' | null; durationMs: number };
  /** A wrapped function ran on a miss. */
  compute: { type: CacheType; key: string; durationMs: number; error: boolean };
  /** Where values live now. */
  backend: { backend: 'redis' | 'memory'; reason: string };
  /** Keys were invalidated (here, or on another instance when `remote`). */
  invalidate: { target: string; kind: 'keys' | 'product' | 'type' | 'all'; removed: number; remote: boolean };
}

export type CacheEventName = keyof CacheEvents;

export class CacheEventEmitter extends EventEmitter {
  /** Hot-path flags: true while at least one listener is registered. */
  readonly listening: Record<CacheEventName, boolean> = { lookup: false, compute: false, backend: false, invalidate: false };

  constructor() {
    super();
    const refresh = (name: string | symbol) => {
      if (typeof name === 'string' && name in this.listening) {
        // newListener fires before the add, removeListener after the removal: recompute on the next tick-free path.
        queueMicrotask(() => (this.listening[name as CacheEventName] = this.listenerCount(name) > 0));
      }
    };
    this.on('newListener', (name: string | symbol) => {
      if (typeof name === 'string' && name in this.listening) this.listening[name as CacheEventName] = true;
    });
    this.on('removeListener', refresh);
  }

  override on<K extends CacheEventName>(event: K, listener: (e: CacheEvents[K]) => void): this;
  override on(event: string | symbol, listener: (...args: never[]) => void): this;
  override on(event: string | symbol, listener: (...args: never[]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  override once<K extends CacheEventName>(event: K, listener: (e: CacheEvents[K]) => void): this;
  override once(event: string | symbol, listener: (...args: never[]) => void): this;
  override once(event: string | symbol, listener: (...args: never[]) => void): this {
    return super.once(event, listener as (...args: unknown[]) => void);
  }

  override off<K extends CacheEventName>(event: K, listener: (e: CacheEvents[K]) => void): this;
  override off(event: string | symbol, listener: (...args: never[]) => void): this;
  override off(event: string | symbol, listener: (...args: never[]) => void): this {
    return super.off(event, listener as (...args: unknown[]) => void);
  }

  override emit<K extends CacheEventName>(event: K, payload: CacheEvents[K]): boolean;
  override emit(event: string | symbol, ...args: unknown[]): boolean;
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    return super.emit(event, ...args);
  }
}
