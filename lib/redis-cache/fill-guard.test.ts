import { describe, expect, test } from 'vitest';
import { EVERYTHING, FillGuard } from './fill-guard';
import { KeyScheme } from './keys';

const keys = new KeyScheme('t');
const bolo = FillGuard.scopeOf(keys.prediction('Bolo', 7, undefined, 1), 'predictions');
const boloModel = FillGuard.scopeOf(keys.model('Bolo'), 'models');
const list = FillGuard.scopeOf(keys.products(), 'products');

describe('the fill guard', () => {
  test('a clear covers its own scope only: everything, one type, one product', () => {
    const guard = new FillGuard();
    const tokens = [bolo, boloModel, list].map((scope) => guard.token(scope));
    guard.begin({ kind: 'type', type: 'products' });
    expect(guard.mayFill(list, tokens[2]!)).toBe(false); // running
    expect(guard.mayFill(bolo, tokens[0]!)).toBe(true);
    guard.end({ kind: 'type', type: 'products' });
    expect(guard.mayFill(list, tokens[2]!)).toBe(false); // ran since the token
    expect(guard.mayFill(list, guard.token(list))).toBe(true);

    guard.begin({ kind: 'product', productTag: keys.productTag('Bolo') });
    expect(guard.mayFill(bolo, tokens[0]!)).toBe(false);
    expect(guard.mayFill(boloModel, tokens[1]!)).toBe(false); // a product's model and forecasts
    guard.end({ kind: 'product', productTag: keys.productTag('Bolo') });

    const fresh = guard.token(list);
    guard.applied(EVERYTHING);
    expect(guard.mayFill(list, fresh)).toBe(false);
  });

  test("one key's invalidation covers its product (model or prediction) or its type (the rest)", () => {
    const guard = new FillGuard();
    const tokens = [bolo, boloModel, list].map((scope) => guard.token(scope));
    guard.applied({ kind: 'key', key: keys.prediction('Bolo', 30, undefined, 1), type: 'predictions' });
    expect(guard.mayFill(bolo, tokens[0]!)).toBe(false);
    expect(guard.mayFill(boloModel, tokens[1]!)).toBe(false);
    expect(guard.mayFill(list, tokens[2]!)).toBe(true);
    const listToken = guard.token(list);
    guard.applied({ kind: 'key', key: keys.products(), type: 'products' });
    expect(guard.mayFill(list, listToken)).toBe(false);
    expect(guard.mayFill(bolo, guard.token(bolo))).toBe(true);
  });

  test('another product rarely shares a slot: most of 1,000 others leave Bolo alone', () => {
    let untouched = 0;
    for (let i = 0; i < 1000; i++) {
      const guard = new FillGuard();
      const token = guard.token(bolo);
      guard.applied({ kind: 'product', productTag: keys.productTag(`Produto ${i}`) });
      if (guard.mayFill(bolo, token)) untouched++;
    }
    expect(untouched).toBeGreaterThan(980);
  });

  test('a replay blocks every fill while it runs', () => {
    const guard = new FillGuard();
    const token = guard.token(list);
    guard.beginReplay();
    expect(guard.replaying).toBe(true);
    expect(guard.mayFill(list, token)).toBe(false);
    guard.endReplay();
    expect(guard.replaying).toBe(false);
    expect(guard.mayFill(list, guard.token(list))).toBe(true);
  });
});
