/**
 * Which values may still be kept once an invalidation has begun. A lookup notes a token for its key when it sends
 * its GET or starts computing; its Redis reply may enter L1, and its computed value may be stored, only when no
 * invalidation covering that key started, ran or was applied since ({@link FillGuard.mayFill}). Otherwise a reply
 * already on its way, or a value computed from data read before the clear, would be kept after the clear and
 * served again until it expires.
 *
 * Invalidations are scoped as clears are: everything, one type, or one product (its model and forecasts). A clear of
 * the product list must not discard the forecast of another product computed meanwhile — with one epoch for
 * everything, each first training of a catalogue warm-up (it clears the product list) threw away every forecast
 * then in flight. Products map to a fixed number of slots by a hash of their key tag: memory stays bounded whatever
 * the catalogue, and two products sharing a slot only make a value go unstored now and then — never the reverse.
 */
import { productTagOf, TYPE_COUNT, TYPE_INDEX, type CacheType } from './keys';

/** Product slots: enough that an unrelated product's clear rarely shares one (1 in 256). */
const PRODUCT_SLOTS = 256;
const GLOBAL = 0;
const FIRST_TYPE = 1;
const FIRST_PRODUCT = FIRST_TYPE + TYPE_COUNT;

/**
 * What an invalidation covers: everything, one type, one product (`productTag` is the key scheme's
 * `{<encoded product>}`, keys.ts), or one key of `type` — its product for a model or prediction, else its type.
 */
export type FillScope =
  { kind: 'all' } | { kind: 'type'; type: CacheType } | { kind: 'product'; productTag: string } | { kind: 'key'; key: string; type: CacheType };

/** The scope of one key: its type, and its product's slot for models and predictions (-1 otherwise). */
export interface KeyScope {
  typeIndex: number;
  slot: number;
}

export class FillGuard {
  /** Per counter: 0 everything, then one per type, then one per product slot. Only ever incremented. */
  private readonly epochs = new Float64Array(FIRST_PRODUCT + PRODUCT_SLOTS);
  private readonly running = new Int32Array(FIRST_PRODUCT + PRODUCT_SLOTS);
  private replays = 0;

  /** The scope of a key of `type`: models and predictions carry their product's tag (`{…}`), the rest none. */
  static scopeOf(key: string, type: CacheType): KeyScope {
    const typeIndex = TYPE_INDEX[type];
    const tag = type === 'models' || type === 'predictions' ? productTagOf(key) : null;
    return { typeIndex, slot: tag === null ? -1 : slotOf(tag) };
  }

  /** What a lookup notes when it starts: the sum of the counters covering its key (each only grows). */
  token(scope: KeyScope): number {
    const e = this.epochs;
    return e[GLOBAL]! + e[FIRST_TYPE + scope.typeIndex]! + (scope.slot < 0 ? 0 : e[FIRST_PRODUCT + scope.slot]!);
  }

  /** True when no invalidation covering the key started, ran or was applied since `token` was noted. */
  mayFill(scope: KeyScope, token: number): boolean {
    const r = this.running;
    if (r[GLOBAL]! > 0 || r[FIRST_TYPE + scope.typeIndex]! > 0) return false;
    if (scope.slot >= 0 && r[FIRST_PRODUCT + scope.slot]! > 0) return false;
    return token === this.token(scope);
  }

  /** This process's clear starts (memory, then Redis); pair with {@link end}. */
  begin(scope: FillScope): void {
    const i = counterOf(scope);
    this.epochs[i]!++;
    this.running[i]!++;
  }

  end(scope: FillScope): void {
    const i = counterOf(scope);
    this.epochs[i]!++;
    this.running[i]!--;
  }

  /** An invalidation applied at once: another instance's, or every copy dropped after a gap in the bus. */
  applied(scope: FillScope): void {
    this.epochs[counterOf(scope)]!++;
  }

  /**
   * Redis may still hold values that clears made during an outage removed here, until those clears are replayed
   * on it: while a replay runs, what Redis answers is not served (a miss) nor kept.
   */
  get replaying(): boolean {
    return this.replays > 0;
  }

  beginReplay(): void {
    this.replays++;
    this.begin(EVERYTHING);
  }

  endReplay(): void {
    this.replays--;
    this.end(EVERYTHING);
  }
}

export const EVERYTHING: FillScope = { kind: 'all' };

function counterOf(scope: FillScope): number {
  switch (scope.kind) {
    case 'all':
      return GLOBAL;
    case 'type':
      return FIRST_TYPE + TYPE_INDEX[scope.type];
    case 'product':
      return FIRST_PRODUCT + slotOf(scope.productTag);
    case 'key': {
      const { typeIndex, slot } = FillGuard.scopeOf(scope.key, scope.type);
      return slot < 0 ? FIRST_TYPE + typeIndex : FIRST_PRODUCT + slot;
    }
  }
}

/** FNV-1a over the UTF-16 units of a product tag, folded to a slot. */
function slotOf(tag: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < tag.length; i++) h = Math.imul(h ^ tag.charCodeAt(i), 0x01000193);
  return (h >>> 0) % PRODUCT_SLOTS;
}
