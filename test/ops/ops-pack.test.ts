/**
 * The ops pack (ops/) against the service's real metrics: every series the Grafana dashboard and the alert rules
 * name is one /api/metrics exports, every query is valid PromQL (promtool), and the alert rules pass their unit
 * tests (`promtool test rules`). promtool comes from Debian's `prometheus` package, which `npm test` installs.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { appMetrics } from '@/lib/metrics/registry';

const ROOT = path.resolve(__dirname, '../..');
const DASHBOARD = path.join(ROOT, 'ops/grafana/ai-prediction-cache.json');
const ALERTS = path.join(ROOT, 'ops/prometheus/alerts.yml');
const AUTOSCALING = path.join(ROOT, 'ops/prometheus/autoscaling.yml');

const Target = z.object({ expr: z.string().min(1), refId: z.string() });
const Panel = z.object({ type: z.string(), title: z.string(), targets: z.array(Target).optional(), datasource: z.unknown().optional() });
const Dashboard = z.object({
  uid: z.string(),
  title: z.string(),
  panels: z.array(Panel),
  templating: z.object({ list: z.array(z.object({ name: z.string(), type: z.string(), definition: z.string().optional() })) }),
});

function promtool(...args: string[]): string {
  try {
    return execFileSync('promtool', args, { cwd: path.dirname(ALERTS), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`, { cause: error });
  }
}

/** Every series name the service exports (histograms as their _bucket/_sum/_count series too). */
async function exportedSeries(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const metric of await appMetrics().registry.getMetricsAsJSON()) {
    names.add(metric.name);
    // At run time the type is prom-client's text name, whatever its typings say.
    if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix);
  }
  return names;
}

/** Series names a PromQL text mentions: the service's own families and Node's/prom-client's. */
function seriesIn(promql: string): string[] {
  const withoutStrings = promql.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return [...new Set(withoutStrings.match(/\b(?:ai_|http_|nodejs_|process_)[a-zA-Z0-9_:]*/g) ?? [])];
}

/** A Grafana query as Prometheus would receive it: the dashboard's variables filled in. */
function asPrometheusQuery(expr: string): string {
  return expr.replaceAll('$__rate_interval', '5m').replaceAll('$job', '.*').replaceAll('$instance', '.*');
}

const dashboard = Dashboard.parse(JSON.parse(fs.readFileSync(DASHBOARD, 'utf8')));
const queries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
const variableQueries = dashboard.templating.list.flatMap((v) => (v.definition ? [v.definition] : []));

describe('Grafana dashboard (ops/grafana)', () => {
  it('queries only series the service exports', async () => {
    const exported = await exportedSeries();
    const named = [...queries.map((q) => q.expr), ...variableQueries].flatMap(seriesIn);
    expect(named.length).toBeGreaterThan(20);
    const unknown = [...new Set(named)].filter((name) => !exported.has(name));
    expect(unknown, 'series the dashboard names but /api/metrics does not export').toEqual([]);
  });

  it('covers hit rate, memory vs threshold, keys, latency, breaker, fallback, evictions, warm-ups and retrains', () => {
    const all = queries.map((q) => q.expr).join('\n');
    for (const series of [
      'ai_cache_requests_total',
      'ai_cache_redis_used_memory_bytes',
      'ai_cache_alert_memory_max_bytes',
      'ai_cache_keys',
      'http_request_duration_seconds_bucket',
      'ai_cache_breaker_state',
      'ai_cache_fallback_active',
      'ai_cache_l1_evictions_total',
      'ai_cache_warmups_total',
      'ai_model_retrains_total',
    ]) {
      expect(all, series).toContain(series);
    }
  });

  it('is valid PromQL throughout and loads as is (datasource chosen by a variable, no import inputs)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grafana-promql-'));
    try {
      const rules = queries.map((q, i) => `      - record: dashboard_query_${i}\n        expr: ${JSON.stringify(asPrometheusQuery(q.expr))}`);
      const file = path.join(dir, 'queries.yml');
      fs.writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`);
      expect(promtool('check', 'rules', file)).toContain(`SUCCESS: ${queries.length} rules found`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const text = fs.readFileSync(DASHBOARD, 'utf8');
    expect(text).not.toContain('__inputs');
    expect(text).not.toMatch(/\$\{DS_[A-Z_]+\}/);
    expect(dashboard.templating.list.find((v) => v.type === 'datasource')?.name).toBe('datasource');
  });
});

describe('alert rules (ops/prometheus)', () => {
  it('name only exported series and pass promtool check rules', async () => {
    const exported = await exportedSeries();
    const unknown = seriesIn(fs.readFileSync(ALERTS, 'utf8').replace(/^\s*#.*$/gm, '')).filter((name) => !exported.has(name));
    expect(unknown).toEqual([]);
    expect(promtool('check', 'rules', 'alerts.yml')).toContain('SUCCESS: 3 rules found');
  });

  it('fire when they should and not before (promtool test rules)', () => {
    expect(promtool('test', 'rules', 'alerts.test.yml')).toContain('SUCCESS');
  });
});

describe('autoscaling rule (ops/prometheus)', () => {
  it('records the desired instances from an exported series and passes promtool check rules', async () => {
    const exported = await exportedSeries();
    // The expressions only: a recorded name (`job:ai_cache_desired_instances:max`) is the rule's output, not an input.
    const text = [...fs.readFileSync(AUTOSCALING, 'utf8').matchAll(/^\s*expr:(.*)$/gm)].map((m) => m[1]).join('\n');
    expect(seriesIn(text)).toContain('ai_cache_desired_instances');
    expect(seriesIn(text).filter((name) => !exported.has(name))).toEqual([]);
    expect(promtool('check', 'rules', 'autoscaling.yml')).toContain('SUCCESS: 1 rules found');
  });
});
