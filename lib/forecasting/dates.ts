/** Calendar helpers on UTC dates written as `YYYY-MM-DD` (the only date form the module stores or returns). */

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date in `YYYY-MM-DD` form (rejects 2025-02-30, 2025-1-5, …). */
export function isIsoDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Days since 1970-01-01 for a `YYYY-MM-DD` date. */
export function toDayNumber(date: string): number {
  if (!isIsoDate(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

function fromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return fromDayNumber(toDayNumber(date) + days);
}

/** Unix seconds at 00:00 UTC of the date (Prophet's time axis). */
export function toEpochSeconds(date: string): number {
  return toDayNumber(date) * 86_400;
}

export function fromEpochSeconds(seconds: number): string {
  return fromDayNumber(Math.round(seconds / 86_400));
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  return (toDayNumber(date) + 4) % 7; // 1970-01-01 was a Thursday
}

/** Yesterday in UTC, `YYYY-MM-DD`. */
export function yesterdayUtc(now: Date = new Date()): string {
  return fromDayNumber(Math.floor(now.getTime() / DAY_MS) - 1);
}
