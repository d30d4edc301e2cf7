import { addDays, toDayNumber, weekday } from './dates';
import { DEFAULT_HOLIDAY_CALENDAR, holidaysOn, type HolidayName } from './holidays';
import { Random, fnv1a, hashSeed } from './prng';

/**
 * A deterministic demo sales history for a bakery: every value is a pure function of (product, date), so the
 * history for a given date range is identical on every machine and every run, whatever the end date.
 * Structure per product: level × trend × weekly profile × yearly cycle × holiday effects (Brazil's national
 * calendar, see holidays.ts), times log-normal noise, rounded to whole units.
 */
export interface DemoProduct {
  name: string;
  /** Mean units per day at the reference date. */
  level: number;
  /** Growth per year (0.08 = +8 %/year). */
  growthPerYear: number;
  /** Multipliers Sunday … Saturday. */
  weekly: [number, number, number, number, number, number, number];
  /** Amplitude of the yearly cycle (0.15 = ±15 %) and the day of year of its peak. */
  yearlyAmplitude: number;
  yearlyPeakDay: number;
  /** Multipliers on holidays of Brazil's national calendar, over its category's (1 when absent from both). */
  holidays: Partial<Record<HolidayName, number>>;
  category: 'bread' | 'sweet' | 'snack';
  /** Relative noise (standard deviation of the log-normal factor). */
  noise: number;
}

const BREAD_WEEK: DemoProduct['weekly'] = [1.3, 0.9, 0.92, 0.95, 0.97, 1.05, 1.25];
const SWEET_WEEK: DemoProduct['weekly'] = [1.45, 0.75, 0.8, 0.85, 0.9, 1.15, 1.4];
const SNACK_WEEK: DemoProduct['weekly'] = [0.8, 1.05, 1.05, 1.05, 1.1, 1.15, 0.9];

/**
 * What the national calendar does to each category when a product says nothing else: on a bank holiday fewer people
 * buy the day's bread on the way to work, families buy cakes and sweets for Mother's and Father's Day and Easter,
 * and savoury snacks go to the long weekend's gatherings. New Year's Day is mostly closed.
 */
const BANK_HOLIDAYS = [
  'tiradentes_day',
  'labour_day',
  'corpus_christi',
  'independence_day',
  'our_lady_of_aparecida',
  'all_souls_day',
  'republic_day',
  'black_awareness_day',
];
const CATEGORY_HOLIDAYS: Record<DemoProduct['category'], Partial<Record<HolidayName, number>>> = {
  bread: { ...Object.fromEntries(BANK_HOLIDAYS.map((h) => [h, 0.78])), new_years_day: 0.45, easter_sunday: 1.25, mothers_day: 1.1 },
  sweet: {
    ...Object.fromEntries(BANK_HOLIDAYS.map((h) => [h, 0.9])),
    new_years_day: 0.5,
    easter_sunday: 1.45,
    mothers_day: 1.75,
    fathers_day: 1.35,
    lovers_day: 1.3,
  },
  snack: { ...Object.fromEntries(BANK_HOLIDAYS.map((h) => [h, 1.2])), new_years_day: 0.5, fathers_day: 1.25 },
};

// One product per line: it reads as the table it is.
// prettier-ignore
export const DEMO_PRODUCTS: readonly DemoProduct[] = [
  { name: 'Pão Francês', level: 850, growthPerYear: 0.04, weekly: BREAD_WEEK, yearlyAmplitude: 0.08, yearlyPeakDay: 180, holidays: { christmas_eve: 1.6, christmas_day: 0.35, new_years_eve: 1.5, carnival: 0.75, good_friday: 1.2 }, category: 'bread', noise: 0.06 },
  { name: 'Pão de Açúcar', level: 140, growthPerYear: 0.06, weekly: BREAD_WEEK, yearlyAmplitude: 0.1, yearlyPeakDay: 200, holidays: { christmas_eve: 1.5, christmas_day: 0.4, new_years_eve: 1.4, carnival: 0.8 }, category: 'bread', noise: 0.08 },
  { name: 'Bolo', level: 48, growthPerYear: 0.1, weekly: SWEET_WEEK, yearlyAmplitude: 0.12, yearlyPeakDay: 160, holidays: { christmas_eve: 1.8, christmas_day: 0.5, new_years_eve: 1.6, carnival: 0.7, good_friday: 1.3 }, category: 'sweet', noise: 0.1 },
  { name: 'Croissant', level: 95, growthPerYear: 0.12, weekly: SWEET_WEEK, yearlyAmplitude: 0.1, yearlyPeakDay: 190, holidays: { christmas_eve: 1.3, christmas_day: 0.5, carnival: 0.8 }, category: 'sweet', noise: 0.09 },
  { name: 'Pão de Queijo', level: 320, growthPerYear: 0.08, weekly: SNACK_WEEK, yearlyAmplitude: 0.15, yearlyPeakDay: 185, holidays: { christmas_day: 0.4, new_years_eve: 1.2, carnival: 0.7 }, category: 'snack', noise: 0.07 },
  { name: 'Baguete', level: 120, growthPerYear: 0.02, weekly: BREAD_WEEK, yearlyAmplitude: 0.08, yearlyPeakDay: 170, holidays: { christmas_eve: 1.7, christmas_day: 0.45, new_years_eve: 1.6 }, category: 'bread', noise: 0.08 },
  { name: 'Pão Integral', level: 75, growthPerYear: 0.15, weekly: BREAD_WEEK, yearlyAmplitude: 0.06, yearlyPeakDay: 30, holidays: { christmas_day: 0.4, carnival: 0.8 }, category: 'bread', noise: 0.09 },
  { name: 'Sonho', level: 72, growthPerYear: -0.03, weekly: SWEET_WEEK, yearlyAmplitude: 0.14, yearlyPeakDay: 200, holidays: { christmas_day: 0.5, carnival: 1.3 }, category: 'sweet', noise: 0.11 },
  { name: 'Coxinha', level: 210, growthPerYear: 0.05, weekly: SNACK_WEEK, yearlyAmplitude: 0.1, yearlyPeakDay: 20, holidays: { christmas_day: 0.3, carnival: 1.4, new_years_eve: 0.8 }, category: 'snack', noise: 0.08 },
  { name: 'Brigadeiro', level: 130, growthPerYear: 0.07, weekly: SWEET_WEEK, yearlyAmplitude: 0.12, yearlyPeakDay: 340, holidays: { christmas_eve: 1.6, christmas_day: 0.6, new_years_eve: 1.7 }, category: 'sweet', noise: 0.1 },
  { name: 'Torta de Limão', level: 22, growthPerYear: 0.09, weekly: SWEET_WEEK, yearlyAmplitude: 0.2, yearlyPeakDay: 15, holidays: { christmas_eve: 1.8, christmas_day: 0.6, new_years_eve: 1.8 }, category: 'sweet', noise: 0.13 },
  { name: 'Panetone', level: 18, growthPerYear: 0.05, weekly: SWEET_WEEK, yearlyAmplitude: 0.6, yearlyPeakDay: 352, holidays: { christmas_eve: 2.2, christmas_day: 0.5, new_years_eve: 1.3 }, category: 'sweet', noise: 0.14 },
  { name: 'Broa de Milho', level: 42, growthPerYear: 0.03, weekly: BREAD_WEEK, yearlyAmplitude: 0.18, yearlyPeakDay: 170, holidays: { christmas_day: 0.4, carnival: 0.8 }, category: 'bread', noise: 0.1 },
];

/** Reference date of `level` and of the trend (an absolute date, so values don't depend on the window). */
const REFERENCE_DAY = toDayNumber('2024-01-01');

function dayOfYear(date: string): number {
  return toDayNumber(date) - toDayNumber(`${date.slice(0, 4)}-01-01`);
}

/** What the demo history needs to know of a date, computed once per date (a large catalogue shares them). */
export interface DemoDay {
  date: string;
  /** Years since the reference date. */
  years: number;
  weekday: number;
  dayOfYear: number;
  holidays: readonly HolidayName[];
}

export function demoDay(date: string): DemoDay {
  return {
    date,
    years: (toDayNumber(date) - REFERENCE_DAY) / 365.25,
    weekday: weekday(date),
    dayOfYear: dayOfYear(date),
    holidays: holidaysOn(date, DEFAULT_HOLIDAY_CALENDAR),
  };
}

/** The noise seed of `product` on `date`; `demoNoiseSeed(name)` alone gives the prefix state for `fnv1a(date, …)`. */
export function demoNoiseSeed(name: string, date = ''): number {
  return date ? hashSeed('demo', name, date) : fnv1a(`demo\u0000${name}\u0000`);
}

/** Units sold of `product` on `date` (a pure function: same inputs, same output). */
export function demoQuantity(product: DemoProduct, date: string): number {
  return demoQuantityOn(product, demoDay(date), demoNoiseSeed(product.name, date));
}

/** `demoQuantity` on a precomputed day, with the noise seed of (product, date). */
export function demoQuantityOn(product: DemoProduct, day: DemoDay, noiseSeed: number): number {
  const trend = Math.pow(1 + product.growthPerYear, day.years);
  const week = product.weekly[day.weekday];
  // A smooth yearly cycle (a raised cosine around the peak day, slightly sharpened), not a plain sine.
  const phase = (2 * Math.PI * (day.dayOfYear - product.yearlyPeakDay)) / 365.25;
  const yearly = 1 + product.yearlyAmplitude * (0.75 * Math.cos(phase) + 0.25 * Math.cos(2 * phase));
  let holidayFactor = 1;
  for (const holiday of day.holidays) {
    holidayFactor *= product.holidays[holiday] ?? CATEGORY_HOLIDAYS[product.category][holiday] ?? 1;
  }
  const rng = new Random(noiseSeed);
  const noise = Math.exp(product.noise * rng.normal() - (product.noise * product.noise) / 2);
  return Math.max(0, Math.round(product.level * trend * week * yearly * holidayFactor * noise));
}

export interface DailySale {
  date: string;
  product: string;
  quantity: number;
}

/** The demo history: `days` consecutive days ending at `endDate` (inclusive) for each demo product. */
export function generateDemoHistory(endDate: string, days: number, products: readonly DemoProduct[] = DEMO_PRODUCTS): DailySale[] {
  const rows: DailySale[] = [];
  const start = addDays(endDate, -(days - 1));
  for (const product of products) {
    for (let i = 0; i < days; i++) {
      const date = addDays(start, i);
      rows.push({ date, product: product.name, quantity: demoQuantity(product, date) });
    }
  }
  return rows;
}

/** Three years of demo history: enough for yearly seasonality (≥ 2 full cycles) and a held-out test. */
export const DEMO_HISTORY_DAYS = 3 * 365;
