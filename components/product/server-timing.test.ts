import { describe, expect, it } from 'vitest';
import { parseServerTiming, serverDurationMs } from './server-timing';

describe('parseServerTiming', () => {
  it('reads names, durations and descriptions', () => {
    const entries = parseServerTiming('cache;desc="HIT";dur=0.4, total;dur=3.25');
    expect(entries).toEqual([
      { name: 'cache', dur: 0.4, desc: 'HIT' },
      { name: 'total', dur: 3.25, desc: null },
    ]);
    expect(serverDurationMs(entries)).toBe(3.25);
  });

  it('falls back to the longest entry and tolerates junk', () => {
    expect(serverDurationMs(parseServerTiming('db;dur=2, model;dur=40;desc=load, broken;dur=abc'))).toBe(40);
    expect(serverDurationMs(parseServerTiming(null))).toBeNull();
    expect(serverDurationMs(parseServerTiming('miss'))).toBeNull();
  });
});
