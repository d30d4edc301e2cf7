import { describe, expect, it } from 'vitest';
import { DEFAULT_POLL_MS, readPollMs } from './poll-config';

describe('readPollMs', () => {
  it('reads DASHBOARD_POLL_MS, then the NEXT_PUBLIC alias, else the default', () => {
    expect(readPollMs({ DASHBOARD_POLL_MS: '1000' })).toBe(1000);
    expect(readPollMs({ NEXT_PUBLIC_POLL_MS: '2500' })).toBe(2500);
    expect(readPollMs({})).toBe(DEFAULT_POLL_MS);
  });

  it('refuses out-of-range and non-numeric values, naming the variable', () => {
    const messages: string[] = [];
    expect(readPollMs({ DASHBOARD_POLL_MS: '10' }, (m) => messages.push(m))).toBe(DEFAULT_POLL_MS);
    expect(readPollMs({ DASHBOARD_POLL_MS: 'fast' }, (m) => messages.push(m))).toBe(DEFAULT_POLL_MS);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('DASHBOARD_POLL_MS');
  });
});
