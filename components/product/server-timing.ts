/**
 * Reads the `Server-Timing` header (`name;desc="…";dur=12.3, other;dur=1`) into entries, and picks the number to
 * show as "how long the server took": an entry named total/app/handler when present, else the longest one.
 */
export interface TimingEntry {
  name: string;
  dur: number | null;
  desc: string | null;
}

export function parseServerTiming(header: string | null): TimingEntry[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [name = '', ...params] = part.split(';').map((p) => p.trim());
      let dur: number | null = null;
      let desc: string | null = null;
      for (const param of params) {
        const eq = param.indexOf('=');
        if (eq < 0) continue;
        const key = param.slice(0, eq).trim().toLowerCase();
        const value = param
          .slice(eq + 1)
          .trim()
          .replace(/^"(.*)"$/, '$1');
        if (key === 'dur' && Number.isFinite(Number(value))) dur = Number(value);
        if (key === 'desc') desc = value;
      }
      return { name, dur, desc };
    });
}

export function serverDurationMs(entries: TimingEntry[]): number | null {
  const preferred = entries.find((e) => ['total', 'app', 'handler', 'predict'].includes(e.name.toLowerCase()) && e.dur !== null);
  if (preferred) return preferred.dur;
  const durations = entries.map((e) => e.dur).filter((d): d is number => d !== null);
  return durations.length ? Math.max(...durations) : null;
}
