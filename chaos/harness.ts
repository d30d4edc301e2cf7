/**
 * Runs one scenario: its services, three instances on them, a warm cache, the recorded load (a baseline, the
 * fault, then the recovery period), and the analysis. Everything it started is stopped, whatever happens; the
 * run's directory (instance logs) is kept when the scenario failed to run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RetrainResponse } from '@/lib/api-types';
import { startInstances, type AppInstances } from '../e2e/support/instances';
import { analyse, type ScenarioResult } from './analyse';
import { getJson, predictPath } from './http';
import { ChaosLoad } from './load';
import type { Backing, CheckResult, FaultContext, RetrainRecord, Scenario } from './types';
import { PROBE_PRODUCT, WARM_DAYS, WARM_PRODUCTS } from './workload';

export interface HarnessOptions {
  instances: number;
  ratePerInstance: number;
  connectionsPerInstance: number;
  /** Load before the fault, milliseconds. */
  baselineMs: number;
  /** Load after the fault ended, milliseconds (the recovery window). */
  afterMs: number;
  timeoutSec: number;
  log(line: string): void;
}

async function warm(apps: AppInstances): Promise<void> {
  // Instance 0 trains and caches; the others then read from Redis into their own memory.
  for (const url of apps.urls) {
    for (const product of WARM_PRODUCTS) {
      for (const days of WARM_DAYS) {
        const { status } = await getJson(`${url}${predictPath(product, days)}`, 60_000);
        if (status !== 200) throw new Error(`warm-up of ${product} ${days} d on ${url}: HTTP ${status}`);
      }
    }
  }
}

async function retrainOn(url: string, clock: () => number, instance: number): Promise<RetrainRecord> {
  const sentAt = clock();
  try {
    const res = await fetch(`${url}/api/ai/models/${encodeURIComponent(PROBE_PRODUCT)}/retrain`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(30_000),
    });
    const body = res.status === 200 ? ((await res.json()) as RetrainResponse) : null;
    return { instance, sentAt, doneAt: clock(), status: res.status, version: body?.model_version ?? null };
  } catch {
    return { instance, sentAt, doneAt: clock(), status: 0, version: null };
  }
}

export async function runScenario(scenario: Scenario, o: HarnessOptions): Promise<Omit<ScenarioResult, 'commit' | 'date'>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ai-cache-chaos-${scenario.name}-`));
  let backing: Backing | null = null;
  let apps: AppInstances | null = null;
  let load: ChaosLoad | null = null;
  let ok = false;
  try {
    const prepared = await scenario.prepare(dir);
    backing = prepared.backing;
    o.log(`services up; starting ${o.instances} instances`);
    apps = await startInstances({
      count: o.instances,
      dir,
      redis: backing.redisEnv,
      database: backing.databaseEnv,
      perInstance: prepared.instanceEnv,
      env: { LOG_LEVEL: 'info', CACHE_PREFIX: 'chaos', CACHE_ADMIN_RATE_LIMIT: '1000' },
    });
    const running = apps;
    o.log('instances up; warming');
    await warm(running);

    const t0 = performance.now();
    const clock = () => performance.now() - t0;
    const activeLoad = new ChaosLoad(
      {
        ratePerInstance: o.ratePerInstance,
        connectionsPerInstance: o.connectionsPerInstance,
        timeoutSec: o.timeoutSec,
        products: WARM_PRODUCTS,
        probeProduct: PROBE_PRODUCT,
        warmDays: WARM_DAYS,
      },
      clock,
    );
    load = activeLoad;
    running.urls.forEach((url, i) => activeLoad.attach(i, url));

    const retrains: RetrainRecord[] = [];
    const checks: CheckResult[] = [];
    const notes: string[] = [];
    const killed: { instance: number; from: number; to: number }[] = [];
    let faultStart: number | null = null;
    let faultEnd: number | null = null;
    const ctx: FaultContext = {
      apps: running,
      now: clock,
      faultStarted: () => void (faultStart = clock()),
      faultEnded: () => void (faultEnd = clock()),
      retrain: async (i) => {
        const r = await retrainOn(running.urls[i], clock, i);
        retrains.push(r);
        o.log(`retrain on instance ${i}: HTTP ${r.status}${r.version !== null ? ` → v${r.version}` : ''} in ${Math.round(r.doneAt - r.sentAt)} ms`);
        return r;
      },
      detach: (i) => {
        activeLoad.detach(i);
        killed.push({ instance: i, from: faultStart ?? clock(), to: Number.POSITIVE_INFINITY });
      },
      attach: (i) => {
        activeLoad.attach(i, running.urls[i]);
        const open = killed.find((k) => k.instance === i && k.to === Number.POSITIVE_INFINITY);
        if (open) open.to = clock();
      },
      check: (c) => {
        checks.push(c);
        o.log(`check ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
      },
      note: (text) => {
        notes.push(text);
        o.log(text);
      },
    };

    await sleep(o.baselineMs);
    o.log('fault');
    await prepared.inject(ctx);
    if (faultStart === null || faultEnd === null) throw new Error(`scenario ${scenario.name} did not mark its fault's start and end`);
    o.log(`fault over after ${Math.round((faultEnd as number) - (faultStart as number))} ms; observing recovery`);
    const observeUntil = (faultEnd as number) + o.afterMs;
    if (clock() < observeUntil) await sleep(observeUntil - clock());
    activeLoad.stopAll();
    const end = clock();

    const analysis = analyse(scenario, {
      records: activeLoad.records,
      retrains,
      faultStart,
      faultEnd,
      end,
      killed,
      timeoutMs: o.timeoutSec * 1000,
    });
    const goals = [...(analysis.goals ?? []), ...checks.map((c) => ({ name: c.name, ok: c.ok, detail: c.detail }))];
    ok = true;
    return { ...analysis, goals, checks, notes };
  } finally {
    load?.stopAll();
    apps?.stop();
    await backing?.stop().catch(() => undefined);
    if (ok) fs.rmSync(dir, { recursive: true, force: true });
    else o.log(`logs kept in ${dir}`);
  }
}
