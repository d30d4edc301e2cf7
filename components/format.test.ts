import { describe, expect, it } from 'vitest';
import { formatAgo, formatBytes, formatDuration, formatInt, formatPercent } from './format';

describe('dashboard number formatting', () => {
  it('formats percents, bytes and durations with units', () => {
    expect(formatPercent(59.94)).toBe('59.9 %');
    expect(formatPercent(null)).toBe('—');
    expect(formatBytes(100 * 1024 * 1024)).toBe('100.0 MB');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatDuration(0.25)).toBe('0.25 ms');
    expect(formatDuration(241.4)).toBe('241 ms');
    expect(formatDuration(7200)).toBe('7.20 s');
    expect(formatDuration(90_000)).toBe('1.5 min');
    expect(formatInt(1234567)).toBe('1,234,567');
    expect(formatAgo(0, 61_000)).toBe('1 min ago');
  });
});
