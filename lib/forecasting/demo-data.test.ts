import { describe, expect, it } from 'vitest';
import { addDays, toDayNumber, weekday } from './dates';
import { DEMO_PRODUCTS, demoQuantity, generateDemoHistory } from './demo-data';
import { calendarProblem, holidaySlug, holidaysForModel, holidaysOn } from './holidays';

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

  it('moves with the Brazilian calendar: national holidays and observances, not only Christmas and Carnival', () => {
    const product = (name: string) => DEMO_PRODUCTS.find((p) => p.name === name)!;
    // A holiday against the same weekday of the two weeks before and after (noise is ±10 % a day).
    const lift = (name: string, date: string) => {
      const others = [-14, -7, 7, 14].map((d) => demoQuantity(product(name), addDays(date, d)));
      return demoQuantity(product(name), date) / (others.reduce((a, b) => a + b, 0) / others.length);
    };
    expect(lift('Bolo', '2025-05-11')).toBeGreaterThan(1.3); // Mother's Day: cakes
    expect(lift('Brigadeiro', '2025-08-10')).toBeGreaterThan(1.15); // Father's Day: sweets
    expect(lift('Pão Francês', '2025-04-21')).toBeLessThan(0.9); // Tiradentes: less bread on the way to work
    expect(lift('Coxinha', '2025-09-07')).toBeGreaterThan(1.05); // Independence Day: snacks for the long weekend
  });
});

describe('holiday calendar (date-holidays)', () => {
  it('has Brazil’s national holidays and observances, under language-independent names', () => {
    expect(holidaysOn('2025-03-04')).toEqual(['carnival']);
    expect(holidaysOn('2026-02-17')).toEqual(['carnival']);
    expect(holidaysOn('2025-04-20')).toEqual(['easter_sunday']);
    expect(holidaysOn('2025-04-21')).toEqual(['tiradentes_day']);
    expect(holidaysOn('2025-06-19')).toEqual(['corpus_christi']);
    expect(holidaysOn('2025-09-07')).toEqual(['independence_day']);
    expect(holidaysOn('2025-10-12')).toEqual(['our_lady_of_aparecida']);
    expect(holidaysOn('2025-11-02')).toEqual(['all_souls_day']);
    expect(holidaysOn('2025-11-15')).toEqual(['republic_day']);
    expect(holidaysOn('2025-11-20')).toEqual(['black_awareness_day']);
    expect(holidaysOn('2025-05-11')).toEqual(['mothers_day']);
    expect(holidaysOn('2025-08-10')).toEqual(['fathers_day']);
    expect(holidaysOn('2025-12-24')).toEqual(['christmas_eve']); // starts at 14:00: the day counts
    expect(holidaysOn('2025-12-25')).toEqual(['christmas_day']);
    expect(holidaysOn('2025-07-01')).toEqual([]);
    expect(holidaySlug("Tiradentes' Day")).toBe('tiradentes_day');
  });

  it('adds a state’s holidays with a region', () => {
    expect(holidaysOn('2025-07-09')).toEqual([]);
    expect(holidaysOn('2025-07-09', { country: 'BR', region: 'SP' })).toEqual(['revolucao_constitucionalista']);
    expect(holidaysOn('2025-04-23', { country: 'BR', region: 'RJ' })).toEqual(['dia_de_sao_jorge']);
  });

  it('names what it does not know', () => {
    expect(calendarProblem({ country: 'BR' })).toBeNull();
    expect(calendarProblem({ country: 'BR', region: 'SP' })).toBeNull();
    expect(calendarProblem({ country: 'XX' })).toMatch(/unknown country/);
    expect(calendarProblem({ country: 'BR', region: 'ZZ' })).toMatch(/unknown region "ZZ" for BR \(known: AC, AL/);
  });

  it('gives a model only the holidays its training window saw, with occurrences into the forecast horizon', () => {
    const holidays = holidaysForModel('2024-01-01', '2024-12-31');
    const names = holidays.map((h) => h.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['carnival', 'christmas_day', 'mothers_day', 'tiradentes_day', 'black_awareness_day']));
    const tiradentes = holidays.find((h) => h.name === 'tiradentes_day')!;
    expect(tiradentes.occurrences.map((o) => new Date(o.start * 1000).toISOString().slice(0, 10))).toEqual([
      '2024-04-21',
      '2025-04-21',
      '2026-04-21',
    ]);
  });
});
