import { describe, expect, it } from 'vitest';
import { formatFor } from './format';

// A local wall-clock time: the formatters print the operator's local time, so the expected text holds in any zone.
const at = new Date(2026, 11, 4, 14, 5, 9);

describe('dashboard number and date formatting, pt-BR', () => {
  const f = formatFor('pt-BR');
  it('formats percents, counts, bytes and durations with the Brazilian separators and units', () => {
    expect(f.percent(59.94)).toBe('59,9%');
    expect(f.percent(60, 0)).toBe('60%');
    expect(f.percent(null)).toBe('—');
    expect(f.int(1234567)).toBe('1.234.567');
    expect(f.decimal(12.34)).toBe('12,3');
    expect(f.bytes(100 * 1024 * 1024)).toBe('100,0 MB');
    expect(f.bytes(512)).toBe('512 B');
    expect(f.duration(0.25)).toBe('0,25 ms');
    expect(f.duration(241.4)).toBe('241 ms');
    expect(f.duration(7200)).toBe('7,20 s');
    expect(f.duration(90_000)).toBe('1,5 min');
    expect(f.seconds(5000)).toBe('5 s');
  });
  it('formats days as dd/MM, times on a 24-hour clock and ages in Portuguese', () => {
    expect(f.dayMonth('2026-12-04')).toBe('04/12');
    expect(f.day('2026-12-04')).toBe('4 de dez. de 2026');
    expect(f.clock(at)).toBe('14:05:09');
    expect(f.clockShort(at)).toBe('14:05');
    expect(f.ago(0, 61_000)).toBe('há 1 minuto');
    expect(f.ago(0, 0)).toBe('agora');
    expect(f.megabytes(111, 0)).toBe('111 MB');
    expect(f.dayMonth('not a day')).toBe('not a day');
  });
  it('formats money in the configured currency: R$ with a comma, up to four decimals below one real', () => {
    // Intl separates the symbol with a no-break space.
    expect(f.money(0.0012345, 'BRL')).toBe('R$\u00a00,0012');
    expect(f.money(1234.5, 'BRL')).toBe('R$\u00a01.234,50');
    expect(f.money(0, 'BRL')).toBe('R$\u00a00,00');
    expect(f.money(2.5, 'USD')).toBe('US$\u00a02,50');
    expect(f.money(null, 'BRL')).toBe('—');
    expect(f.moneyTick(0.0000123, 'BRL')).toBe('R$\u00a00,000012');
    expect(f.moneyTick(0, 'BRL')).toBe('R$\u00a00,00');
  });
});

describe('dashboard number and date formatting, English', () => {
  const f = formatFor('en');
  it('formats percents, counts, bytes and durations with the US separators and units', () => {
    expect(f.percent(59.94)).toBe('59.9%');
    expect(f.int(1234567)).toBe('1,234,567');
    expect(f.bytes(100 * 1024 * 1024)).toBe('100.0 MB');
    expect(f.bytes(1536)).toBe('1.5 kB');
    expect(f.duration(241.4)).toBe('241 ms');
    expect(f.duration(7200)).toBe('7.20 sec');
    expect(f.duration(null)).toBe('—');
    expect(f.money(0.0012345, 'BRL')).toBe('R$0.0012');
    expect(f.money(1234.5, 'USD')).toBe('$1,234.50');
    expect(f.money(12, 'JPY')).toBe('¥12');
  });
  it('formats days as MM/dd, times on a 12-hour clock and ages in English', () => {
    expect(f.dayMonth('2026-12-04')).toBe('12/04');
    expect(f.day('2026-12-04')).toBe('Dec 4, 2026');
    expect(f.clock(at)).toBe('02:05:09 PM');
    expect(f.ago(0, 12_000)).toBe('12 seconds ago');
  });
  it('keeps a calendar day on its date whatever the time zone', () => {
    // A day is not an instant: 2026-01-01 must not print as Dec 31 west of UTC.
    expect(f.dayMonth('2026-01-01')).toBe('01/01');
  });
});
