import { describe, expect, it } from 'vitest';
import { toDayNumber, weekday } from './dates';
import { DEMO_PRODUCTS, demoQuantity, generateDemoHistory } from './demo-data';
import { easterSunday, holidayOn } from './holidays';

describe('demo history', () => {
  it('is deterministic: the same window gives the same rows, and a date keeps its value when the window moves', () => {
    const a = generateDemoHistory('2026-10-31', 800);
    const b = generateDemoHistory('2026-10-31', 800);
    expect(b).toEqual(a);
    const shifted = generateDemoHistory('2026-11-30', 800);
    const byKey = new Map(shifted.map((r) => [`${r.product}|${r.date}`, r.quantity]));
    const overlap = a.filter((r) => byKey.has(`${r.product}|${r.date}`));
    expect(overlap.length).toBeGreaterThan(700 * DEMO_PRODUCTS.length);
    for (const r of overlap) expect(byKey.get(`${r.product}|${r.date}`)).toBe(r.quantity);
  });

  it('has at least 12 bakery products, the required ones among them, with ≥ 2 years of consecutive daily rows', () => {
    const names = DEMO_PRODUCTS.map((p) => p.name);
    expect(names.length).toBeGreaterThanOrEqual(12);
    expect(names).toEqual(expect.arrayContaining(['Pão de Açúcar', 'Bolo', 'Pão Francês', 'Croissant']));
    const rows = generateDemoHistory('2026-10-31', 3 * 365).filter((r) => r.product === 'Bolo');
    expect(rows.length).toBe(1095);
    for (let i = 1; i < rows.length; i++) expect(toDayNumber(rows[i]!.date) - toDayNumber(rows[i - 1]!.date)).toBe(1);
    expect(rows.every((r) => Number.isInteger(r.quantity) && r.quantity >= 0)).toBe(true);
  });

  it('gives products distinct levels, a weekly pattern, a yearly cycle, a trend and holiday effects', () => {
    const rows = generateDemoHistory('2026-10-31', 3 * 365);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const means = DEMO_PRODUCTS.map((p) => mean(rows.filter((r) => r.product === p.name).map((r) => r.quantity)));
    const sorted = [...means].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! / sorted[i - 1]!).toBeGreaterThan(1.05);

    const bread = rows.filter((r) => r.product === 'Pão Francês');
    const sundays = mean(bread.filter((r) => weekday(r.date) === 0).map((r) => r.quantity));
    const tuesdays = mean(bread.filter((r) => weekday(r.date) === 2).map((r) => r.quantity));
    expect(sundays / tuesdays).toBeGreaterThan(1.25);

    const panetone = rows.filter((r) => r.product === 'Panetone');
    const december = mean(panetone.filter((r) => r.date.slice(5, 7) === '12').map((r) => r.quantity));
    const june = mean(panetone.filter((r) => r.date.slice(5, 7) === '06').map((r) => r.quantity));
    expect(december / june).toBeGreaterThan(2);

    const croissant = rows.filter((r) => r.product === 'Croissant');
    expect(mean(croissant.slice(-365).map((r) => r.quantity)) / mean(croissant.slice(0, 365).map((r) => r.quantity))).toBeGreaterThan(1.15);

    const product = DEMO_PRODUCTS.find((p) => p.name === 'Pão Francês')!;
    expect(demoQuantity(product, '2025-12-24')).toBeGreaterThan(demoQuantity(product, '2025-12-17') * 1.2);
    expect(demoQuantity(product, '2025-12-25')).toBeLessThan(demoQuantity(product, '2025-12-18') * 0.6);
  });

  it('knows the moving holidays (Carnival = Easter − 47 days)', () => {
    expect(easterSunday(2025)).toBe('2025-04-20');
    expect(easterSunday(2026)).toBe('2026-04-05');
    expect(holidayOn('2025-03-04')).toBe('carnival');
    expect(holidayOn('2026-02-17')).toBe('carnival');
    expect(holidayOn('2025-12-25')).toBe('christmas');
    expect(holidayOn('2025-07-01')).toBeNull();
  });
});
