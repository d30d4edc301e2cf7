import { describe, expect, it } from 'vitest';
import { addDays, toDayNumber } from './dates';
import { catalogueHistory, catalogueProductHistory, demoCatalogue, MAX_DEMO_PRODUCTS } from './demo-catalogue';
import { DEMO_HISTORY_DAYS, DEMO_PRODUCTS, demoQuantity, generateDemoHistory } from './demo-data';

const END = '2026-10-31';

describe('demo catalogue', () => {
  it('starts with the named demo products, their history unchanged', () => {
    const catalogue = demoCatalogue(DEMO_PRODUCTS.length + 5);
    expect(catalogue.slice(0, DEMO_PRODUCTS.length).map((p) => p.name)).toEqual(DEMO_PRODUCTS.map((p) => p.name));
    const rows = [...catalogueHistory(catalogue.slice(0, DEMO_PRODUCTS.length), END)].flat();
    expect(rows).toEqual(generateDemoHistory(END, DEMO_HISTORY_DAYS));
  });

  it('is deterministic, and a smaller catalogue is the head of a larger one', () => {
    const a = demoCatalogue(400);
    expect(demoCatalogue(400)).toEqual(a);
    expect(demoCatalogue(1000).slice(0, 400)).toEqual(a);
    const product = a[200]!;
    expect(catalogueProductHistory(product, END)).toEqual(catalogueProductHistory(product, END));
  });

  it('gives every product a unique name with Portuguese accents, by category', () => {
    const catalogue = demoCatalogue(MAX_DEMO_PRODUCTS);
    expect(new Set(catalogue.map((p) => p.name)).size).toBe(MAX_DEMO_PRODUCTS);
    expect(catalogue.map((p) => p.name)).toEqual(expect.arrayContaining(['Pão de Queijo 2', 'Pão de Queijo 12', 'Éclair 3']));
    expect(new Set(catalogue.map((p) => p.category))).toEqual(new Set(['bread', 'sweet', 'snack']));
  });

  it('refuses a size outside 1…MAX_DEMO_PRODUCTS', () => {
    expect(() => demoCatalogue(0)).toThrow(RangeError);
    expect(() => demoCatalogue(MAX_DEMO_PRODUCTS + 1)).toThrow(RangeError);
    expect(() => demoCatalogue(2.5)).toThrow(RangeError);
  });

  it('has a real catalogue’s spread: a few best sellers, a long tail, gaps, and products too new to train', () => {
    const generated = demoCatalogue(2_013).slice(DEMO_PRODUCTS.length);
    const levels = generated.map((p) => p.level).sort((x, y) => y - x);
    const total = levels.reduce((s, x) => s + x, 0);
    const top = levels.slice(0, levels.length / 10).reduce((s, x) => s + x, 0);
    expect(top / total).toBeGreaterThan(0.4); // the top 10 % sell a large share
    expect(levels.filter((l) => l < 3).length / levels.length).toBeGreaterThan(0.4); // slow movers
    expect(levels[0]).toBeGreaterThan(100);

    const tooNew = generated.filter((p) => p.historyDays < 28);
    const withGap = generated.filter((p) => p.gap !== null);
    const partial = generated.filter((p) => p.historyDays >= 28 && p.historyDays < DEMO_HISTORY_DAYS);
    for (const [group, min, max] of [
      [tooNew, 0.02, 0.07],
      [withGap, 0.05, 0.12],
      [partial, 0.15, 0.35],
    ] as const) {
      expect(group.length / generated.length).toBeGreaterThan(min);
      expect(group.length / generated.length).toBeLessThan(max);
    }
  });

  it('writes a product’s rows for its own history, without its gap, with the demo history’s values', () => {
    const catalogue = demoCatalogue(600);
    const gapped = catalogue.find((p) => p.gap !== null && p.historyDays === DEMO_HISTORY_DAYS)!;
    const rows = catalogueProductHistory(gapped, END);
    expect(rows.length).toBe(DEMO_HISTORY_DAYS - (gapped.gap!.to - gapped.gap!.from));
    const start = addDays(END, -(DEMO_HISTORY_DAYS - 1));
    const missing = addDays(start, gapped.gap!.from);
    expect(rows.some((r) => r.date === missing)).toBe(false);
    expect(rows.at(-1)!.date).toBe(END);
    for (const r of rows.slice(0, 50)) expect(r.quantity).toBe(demoQuantity(gapped, r.date));

    const young = catalogue.find((p) => p.historyDays < 28)!;
    const youngRows = catalogueProductHistory(young, END);
    expect(youngRows.length).toBe(young.historyDays);
    expect(toDayNumber(END) - toDayNumber(youngRows[0]!.date)).toBe(young.historyDays - 1);
    expect(rows.every((r) => Number.isInteger(r.quantity) && r.quantity >= 0)).toBe(true);
  });
});
