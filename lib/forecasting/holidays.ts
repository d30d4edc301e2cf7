import Holidays from 'date-holidays';
import { addDays, toDayNumber, toEpochSeconds } from './dates';

/**
 * The holiday calendar the models and the demo history use, from date-holidays (a maintained calendar with
 * Brazil's national holidays, its states' holidays and the observances that move retail demand: Mother's Day,
 * Father's Day, Lovers' Day, Easter). Every kind of day it lists counts — public, bank, optional, observance — since
 * a bakery's demand moves on all of them. Prophet gets one indicator column per holiday and learns each one's effect.
 */
export interface HolidayCalendar {
  /** ISO 3166-1 country code, e.g. "BR". */
  country: string;
  /** The country's subdivision code, e.g. "SP"; absent for the national calendar only. */
  region?: string;
}

/** The service's default: Brazil's national calendar. */
export const DEFAULT_HOLIDAY_CALENDAR: HolidayCalendar = Object.freeze({ country: 'BR' });

/**
 * A holiday's stable identifier: its English name as a slug ("Tiradentes' Day" → `tiradentes_day`). It names a
 * column of the model, so it must not depend on the language of the machine; several entries of one name (Carnival
 * is five days in date-holidays' data) are one holiday with several days.
 */
export type HolidayName = string;

export function holidaySlug(englishName: string): HolidayName {
  return englishName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/'/g, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

const problems = new Map<string, string | null>();

/** Why date-holidays cannot give this calendar (an unknown country, or region within it); null when it can. */
export function calendarProblem(calendar: HolidayCalendar): string | null {
  const key = `${calendar.country}/${calendar.region ?? ''}`;
  if (!problems.has(key)) problems.set(key, findCalendarProblem(calendar));
  return problems.get(key) ?? null;
}

function findCalendarProblem(calendar: HolidayCalendar): string | null {
  const countries = new Holidays().getCountries('en');
  if (!countries[calendar.country]) return `unknown country code "${calendar.country}" (ISO 3166-1, e.g. BR)`;
  if (calendar.region === undefined) return null;
  const regions = new Holidays().getStates(calendar.country, 'en') ?? {};
  if (!regions[calendar.region]) {
    const known = Object.keys(regions).join(', ');
    return `unknown region "${calendar.region}" for ${calendar.country}${known ? ` (known: ${known})` : ''}`;
  }
  return null;
}

/** Days of one year that are holidays: date (YYYY-MM-DD) → holiday names, memoised per calendar and year. */
const yearCache = new Map<string, Map<string, HolidayName[]>>();

function holidayDays(calendar: HolidayCalendar, year: number): Map<string, HolidayName[]> {
  const cacheKey = `${calendar.country}/${calendar.region ?? ''}/${year}`;
  let days = yearCache.get(cacheKey);
  if (days) return days;
  days = new Map();
  const source = calendar.region
    ? new Holidays(calendar.country, calendar.region, { languages: ['en'] })
    : new Holidays(calendar.country, { languages: ['en'] });
  for (const holiday of source.getHolidays(year, 'en') || []) {
    const name = holidaySlug(holiday.name);
    // `date` is the local start ("2025-12-24 14:00:00"); an entry spans whole or partial days (Carnival's
    // Saturday entry lasts 48 h, Christmas Eve starts at 14:00): every day it touches is a holiday day (two hours of
    // slack, so a day made 25 h long by a clock change stays one day).
    const first = holiday.date.slice(0, 10);
    const hours = (holiday.end.getTime() - holiday.start.getTime()) / 3_600_000;
    const offsetHours = Number(holiday.date.slice(11, 13)) || 0;
    const dayCount = Math.max(1, Math.ceil((offsetHours + hours - 2) / 24));
    for (let i = 0; i < dayCount; i++) {
      const date = addDays(first, i);
      const names = days.get(date) ?? [];
      if (!names.includes(name)) names.push(name);
      days.set(date, names);
    }
  }
  yearCache.set(cacheKey, days);
  return days;
}

/** The holidays on a date (usually none or one), in the calendar's order. */
export function holidaysOn(date: string, calendar: HolidayCalendar = DEFAULT_HOLIDAY_CALENDAR): readonly HolidayName[] {
  return holidayDays(calendar, Number(date.slice(0, 4))).get(date) ?? [];
}

interface HolidayOccurrences {
  name: HolidayName;
  /** Unix seconds, [start, end) of each one-day occurrence. */
  occurrences: { start: number; end: number }[];
}

/**
 * Occurrences between the window's first year and `horizonYears` after its last, for the holidays that occur at
 * least once inside the training window [windowStart, windowEnd]: a holiday never seen in training would be an
 * all-zero column in Prophet's design matrix, which it cannot learn and which would be indistinguishable from
 * another such column.
 */
export function holidaysForModel(
  windowStart: string,
  windowEnd: string,
  calendar: HolidayCalendar = DEFAULT_HOLIDAY_CALENDAR,
  horizonYears = 2,
): HolidayOccurrences[] {
  const firstYear = Number(windowStart.slice(0, 4));
  const lastYear = Number(windowEnd.slice(0, 4)) + horizonYears;
  const startDay = toDayNumber(windowStart);
  const endDay = toDayNumber(windowEnd);
  const datesByName = new Map<HolidayName, string[]>();
  for (let year = firstYear; year <= lastYear; year++) {
    for (const [date, names] of holidayDays(calendar, year)) {
      for (const name of names) datesByName.set(name, [...(datesByName.get(name) ?? []), date]);
    }
  }
  const result: HolidayOccurrences[] = [];
  for (const [name, dates] of datesByName) {
    const seen = dates.some((d) => toDayNumber(d) >= startDay && toDayNumber(d) <= endDay);
    if (!seen) continue;
    result.push({ name, occurrences: dates.sort().map((d) => ({ start: toEpochSeconds(d), end: toEpochSeconds(d) + 86_400 })) });
  }
  // A stable column order whatever order the calendar lists its days in.
  return result.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
