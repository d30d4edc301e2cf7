/**
 * Number and date formatting shared by the dashboard: one place decides how percents, bytes, durations and dates
 * read, in the page's language. Everything goes through Intl (NumberFormat with units, DateTimeFormat,
 * RelativeTimeFormat), so pt-BR reads "59,9%", "1.234.567", "04/12" and English "59.9%", "1,234,567", "12/04".
 * Client components get the formatter of the page's language from `useFormat()` (components/i18n/locale-context).
 */
import { INTL_LOCALE, type Locale } from '@/lib/i18n/locales';

const MB = 1024 * 1024;
const DASH = '—';

type Maybe = number | null | undefined;

function isNumber(value: Maybe): value is number {
  return value !== null && value !== undefined && Number.isFinite(value);
}

export interface Format {
  /** A percentage given as 0–100: `59.9%` / `59,9%`. */
  percent(value: Maybe, digits?: number): string;
  /** A count, rounded, with the locale's grouping. */
  int(value: Maybe): string;
  /** A number with one decimal (chart tooltips). */
  decimal(value: Maybe, digits?: number): string;
  /** Bytes in binary units (as Redis' `used_memory_human`), with a finer unit for small values. */
  bytes(value: Maybe): string;
  /** Megabytes (the memory chart's unit); whole ones on the axis. */
  megabytes(value: Maybe, digits?: 0 | 1): string;
  /** Sub-millisecond to hours, always with a unit. */
  duration(ms: Maybe): string;
  /**
   * An amount of money in an ISO 4217 currency: `R$ 0,0123` in pt-BR, `R$0.0123` in English. Below one unit up to
   * four decimals (what a cache saves per hour is often a fraction of a cent), the currency's own digits above.
   */
  money(value: Maybe, currency: string): string;
  /** Money with two significant digits (`R$ 0,000012`): chart axes, where amounts far below a cent must stay apart. */
  moneyTick(value: Maybe, currency: string): string;
  /** A configured interval in seconds, without trailing zeros: `5 s`, `2.5 sec`. */
  seconds(ms: Maybe): string;
  /** Wall-clock time with seconds in the operator's time zone. */
  clock(date: Date | number | string): string;
  /** Hours and minutes only: the time axis of the history charts. */
  clockShort(date: Date | number | string): string;
  /** The hour alone, on the locale's clock: `21` in pt-BR, `9 PM` in English (the heat map's columns). */
  hour(date: Date | number | string): string;
  /** Date and time of an event (a model's training). */
  dateTime(date: string | null | undefined): string;
  /** A calendar day `YYYY-MM-DD` as day and month: the forecast chart's axis (dd/MM in pt-BR, MM/dd in English). */
  dayMonth(day: string): string;
  /** A calendar day `YYYY-MM-DD` in full: tooltips, training windows. */
  day(day: string): string;
  /** "há 12 segundos" / "12 seconds ago", for "last refreshed". */
  ago(then: number, now: number): string;
}

function unitFormat(locale: string, unit: string, digits: number): Intl.NumberFormat {
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short', minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Calendar days are dates without a time zone: read and print them in UTC so no offset moves them a day. */
function parseDay(day: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  const d = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return Number.isNaN(d.getTime()) ? null : d;
}

function toDate(date: Date | number | string): Date | null {
  const d = new Date(date);
  return Number.isNaN(d.getTime()) ? null : d;
}

function createFormat(dashboardLocale: Locale): Format {
  const locale = INTL_LOCALE[dashboardLocale];
  const percents = new Map<number, Intl.NumberFormat>();
  const percentFormat = (digits: number) => {
    let f = percents.get(digits);
    if (!f) {
      f = new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits });
      percents.set(digits, f);
    }
    return f;
  };
  const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  // "narrow" for bytes: the short form of a byte count reads "512 byte" in English.
  const bytes = new Intl.NumberFormat(locale, { style: 'unit', unit: 'byte', unitDisplay: 'narrow', maximumFractionDigits: 0 });
  const kb = unitFormat(locale, 'kilobyte', 1);
  const mb = unitFormat(locale, 'megabyte', 1);
  const mb0 = unitFormat(locale, 'megabyte', 0);
  const gb = unitFormat(locale, 'gigabyte', 2);
  const ms2 = unitFormat(locale, 'millisecond', 2);
  const ms1 = unitFormat(locale, 'millisecond', 1);
  const ms0 = unitFormat(locale, 'millisecond', 0);
  const s2 = unitFormat(locale, 'second', 2);
  const s1 = unitFormat(locale, 'second', 1);
  const seconds = new Intl.NumberFormat(locale, { style: 'unit', unit: 'second', unitDisplay: 'short', maximumFractionDigits: 1 });
  const min1 = unitFormat(locale, 'minute', 1);
  const h1 = unitFormat(locale, 'hour', 1);
  const clock = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const clockShort = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  const hour = new Intl.DateTimeFormat(locale, { hour: 'numeric' });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const dayMonth = new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', timeZone: 'UTC' });
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  // "auto": 0 s reads "agora" / "now" rather than "há 0 segundo".
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'long' });
  const moneyFormats = new Map<string, Intl.NumberFormat>();
  const moneyFormat = (currency: string, digits: 'currency' | 'small' | 'significant') => {
    const key = `${currency}:${digits}`;
    let f = moneyFormats.get(key);
    if (!f) {
      const precision = digits === 'small' ? { maximumFractionDigits: 4 } : digits === 'significant' ? { maximumSignificantDigits: 2 } : {};
      f = new Intl.NumberFormat(locale, { style: 'currency', currency, ...precision });
      moneyFormats.set(key, f);
    }
    return f;
  };
  const formatMoney = (value: Maybe, currency: string, digits: (v: number) => 'currency' | 'small' | 'significant') => {
    if (!isNumber(value)) return DASH;
    try {
      return moneyFormat(currency, digits(value)).format(value);
    } catch {
      return `${value} ${currency}`; // a code this browser's Intl does not know
    }
  };

  return {
    percent: (value, digits = 1) => (isNumber(value) ? percentFormat(digits).format(value / 100) : DASH),
    int: (value) => (isNumber(value) ? integer.format(Math.round(value)) : DASH),
    decimal: (value, digits = 1) =>
      isNumber(value) ? new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value) : DASH,
    bytes: (value) => {
      if (!isNumber(value)) return DASH;
      if (value < 1024) return bytes.format(value);
      if (value < MB) return kb.format(value / 1024);
      if (value < 1024 * MB) return mb.format(value / MB);
      return gb.format(value / (1024 * MB));
    },
    megabytes: (value, digits = 1) => (isNumber(value) ? (digits === 0 ? mb0 : mb).format(value) : DASH),
    duration: (ms) => {
      if (!isNumber(ms)) return DASH;
      if (ms < 1) return ms2.format(ms);
      if (ms < 10) return ms1.format(ms);
      if (ms < 1000) return ms0.format(ms);
      const s = ms / 1000;
      if (s < 10) return s2.format(s);
      if (s < 60) return s1.format(s);
      const min = s / 60;
      if (min < 60) return min1.format(min);
      return h1.format(min / 60);
    },
    money: (value, currency) => formatMoney(value, currency, (v) => (v !== 0 && Math.abs(v) < 1 ? 'small' : 'currency')),
    moneyTick: (value, currency) => formatMoney(value, currency, (v) => (v === 0 ? 'currency' : 'significant')),
    seconds: (ms) => (isNumber(ms) ? seconds.format(ms / 1000) : DASH),
    clock: (date) => {
      const d = toDate(date);
      return d ? clock.format(d) : DASH;
    },
    clockShort: (date) => {
      const d = toDate(date);
      return d ? clockShort.format(d) : DASH;
    },
    hour: (date) => {
      const d = toDate(date);
      return d ? hour.format(d) : DASH;
    },
    dateTime: (date) => {
      if (!date) return DASH;
      const d = toDate(date);
      return d ? dateTime.format(d) : date;
    },
    dayMonth: (value) => {
      const d = parseDay(value);
      return d ? dayMonth.format(d) : value;
    },
    day: (value) => {
      const d = parseDay(value);
      return d ? day.format(d) : value;
    },
    ago: (then, now) => {
      const s = Math.max(0, Math.round((now - then) / 1000));
      if (s < 60) return relative.format(-s, 'second');
      const min = Math.round(s / 60);
      if (min < 60) return relative.format(-min, 'minute');
      return relative.format(-Math.round(min / 60), 'hour');
    },
  };
}

const formats = new Map<Locale, Format>();

/** The formatter of a language (built once: Intl formatters are costly to create, cheap to use). */
export function formatFor(locale: Locale): Format {
  let format = formats.get(locale);
  if (!format) {
    format = createFormat(locale);
    formats.set(locale, format);
  }
  return format;
}

export function bytesToMb(bytes: number | null | undefined): number | null {
  return bytes === null || bytes === undefined ? null : Math.round((bytes / MB) * 100) / 100;
}
