/**
 * A strict parser for the Prometheus text exposition format (version 0.0.4), for tests: it throws on any line
 * that a Prometheus server would reject, and checks histogram consistency (cumulative buckets, +Inf = count).
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const lines = text.split('\n');
  if (lines.at(-1) !== '') throw new Error('exposition must end with a newline');
  lines.pop();
  lines.forEach((line, index) => {
    const where = `line ${index + 1}: ${JSON.stringify(line)}`;
    if (line === '') return;
    if (line.startsWith('#')) {
      const match = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (match === null) return; // plain comment
      const [, kind, name, rest] = match;
      if (!METRIC_NAME.test(name)) throw new Error(`bad metric name in ${where}`);
      const family = families.get(name) ?? { name, type: 'untyped' as const, help: '', samples: [] };
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`bad type in ${where}`);
        if (family.samples.length > 0) throw new Error(`TYPE after samples in ${where}`);
        family.type = rest as Family['type'];
      } else {
        family.help = rest;
      }
      families.set(name, family);
      return;
    }
    const sample = parseSample(line, where);
    const family = familyOf(sample.name, families);
    if (family === undefined) throw new Error(`sample without a TYPE/HELP family in ${where}`);
    family.samples.push(sample);
  });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

function familyOf(sampleName: string, families: Map<string, Family>): Family | undefined {
  const exact = families.get(sampleName);
  if (exact) return exact;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (sampleName.endsWith(suffix)) {
      const family = families.get(sampleName.slice(0, -suffix.length));
      if (family && (family.type === 'histogram' || family.type === 'summary')) return family;
    }
  }
  return undefined;
}

function parseSample(line: string, where: string): Sample {
  let i = 0;
  while (i < line.length && /[a-zA-Z0-9_:]/.test(line[i])) i += 1;
  const name = line.slice(0, i);
  if (!METRIC_NAME.test(name)) throw new Error(`bad sample name in ${where}`);
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i += 1;
    while (line[i] !== '}') {
      const start = i;
      while (i < line.length && /[a-zA-Z0-9_]/.test(line[i])) i += 1;
      const label = line.slice(start, i);
      if (!LABEL_NAME.test(label) || line[i] !== '=' || line[i + 1] !== '"') throw new Error(`bad label in ${where}`);
      i += 2;
      let value = '';
      for (;;) {
        if (i >= line.length) throw new Error(`unterminated label value in ${where}`);
        const c = line[i];
        if (c === '"') break;
        if (c === '\\') {
          const next = line[i + 1];
          if (next === 'n') value += '\n';
          else if (next === '\\' || next === '"') value += next;
          else throw new Error(`bad escape in ${where}`);
          i += 2;
        } else {
          value += c;
          i += 1;
        }
      }
      i += 1;
      if (label in labels) throw new Error(`duplicate label in ${where}`);
      labels[label] = value;
      if (line[i] === ',') i += 1;
      else if (line[i] !== '}') throw new Error(`bad label separator in ${where}`);
    }
    i += 1;
  }
  const rest = line.slice(i);
  const match = /^ (\S+)( -?\d+)?$/.exec(rest);
  if (match === null) throw new Error(`bad value in ${where}`);
  const value = parseValue(match[1]);
  if (value === null) throw new Error(`bad number in ${where}`);
  return { name, labels, value };
}

/** As Prometheus reads values (Go's ParseFloat): special values are case-insensitive (prom-client writes "Nan"). */
function parseValue(text: string): number | null {
  const lower = text.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return null;
  return Number(text);
}

function checkHistogram(family: Family): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number; sum?: number }>();
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const entry = series.get(key) ?? { buckets: [] };
    if (sample.name === `${family.name}_bucket`) {
      if (le === undefined) throw new Error(`${family.name}: bucket without le`);
      entry.buckets.push([parseValue(le) ?? NaN, sample.value]);
    } else if (sample.name === `${family.name}_count`) entry.count = sample.value;
    else if (sample.name === `${family.name}_sum`) entry.sum = sample.value;
    else throw new Error(`${family.name}: unexpected sample ${sample.name}`);
    series.set(key, entry);
  }
  for (const [key, entry] of series) {
    const buckets = entry.buckets;
    if (buckets.length === 0 || buckets.at(-1)![0] !== Infinity) throw new Error(`${family.name}${key}: no +Inf bucket`);
    for (let k = 1; k < buckets.length; k += 1) {
      if (!(buckets[k][0] > buckets[k - 1][0])) throw new Error(`${family.name}${key}: bucket bounds not increasing`);
      if (buckets[k][1] < buckets[k - 1][1]) throw new Error(`${family.name}${key}: buckets not cumulative`);
    }
    if (entry.count !== buckets.at(-1)![1]) throw new Error(`${family.name}${key}: +Inf bucket differs from _count`);
    if (entry.sum === undefined) throw new Error(`${family.name}${key}: no _sum`);
  }
}
