import { addDays, toDayNumber, toEpochSeconds } from './dates';

/**
 * The holidays that move bakery sales in Brazil, as one-day events. Both the demo history and the models use
 * this calendar, so Prophet gets one indicator column per holiday and can learn each one's effect.
 */
const HOLIDAY_NAMES = ['christmas_eve', 'christmas', 'new_years_eve', 'carnival', 'good_friday'] as const;
export type HolidayName = (typeof HOLIDAY_NAMES)[number];

/** Easter Sunday (Gregorian, anonymous algorithm). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The dates of each holiday in `year` (Carnival is its Monday and Tuesday, 48 and 47 days before Easter). */
function holidayDates(year: number): Record<HolidayName, string[]> {
  const easter = easterSunday(year);
  return {
    christmas_eve: [`${year}-12-24`],
    christmas: [`${year}-12-25`],
    new_years_eve: [`${year}-12-31`],
    carnival: [addDays(easter, -48), addDays(easter, -47)],
    good_friday: [addDays(easter, -2)],
  };
}

/** Holiday name of a date, or null. */
export function holidayOn(date: string): HolidayName | null {
  const all = holidayDates(Number(date.slice(0, 4)));
  for (const name of HOLIDAY_NAMES) if (all[name].includes(date)) return name;
  return null;
}

interface HolidayOccurrences {
  name: HolidayName;
  /** Unix seconds, [start, end) of each one-day occurrence. */
  occurrences: { start: number; end: number }[];
}

/**
 * Occurrences between `from` and `to` (inclusive years), for the holidays that occur at least once inside the
 * training window [windowStart, windowEnd]: a holiday never seen in training would be an all-zero column in
 * Prophet's design matrix, which it cannot learn and which would be indistinguishable from another such column.
 */
export function holidaysForModel(windowStart: string, windowEnd: string, horizonYears = 2): HolidayOccurrences[] {
  const firstYear = Number(windowStart.slice(0, 4));
  const lastYear = Number(windowEnd.slice(0, 4)) + horizonYears;
  const startDay = toDayNumber(windowStart);
  const endDay = toDayNumber(windowEnd);
  const result: HolidayOccurrences[] = [];
  for (const name of HOLIDAY_NAMES) {
    const dates: string[] = [];
    for (let year = firstYear; year <= lastYear; year++) dates.push(...holidayDates(year)[name]);
    const seen = dates.some((d) => toDayNumber(d) >= startDay && toDayNumber(d) <= endDay);
    if (!seen) continue;
    result.push({
      name,
      occurrences: dates.map((d) => ({ start: toEpochSeconds(d), end: toEpochSeconds(d) + 86_400 })),
    });
  }
  return result;
}
