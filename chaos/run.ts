/**
 * `npm run chaos [-- <scenario>…]`: fault drills against three `next start` instances under bounded load, one
 * scenario at a time (all of them by default). Builds the app first when the build is stale. Writes
 * chaos/results/<scenario>.json, regenerates CHAOS.md, prints the goal table; exits 1 when a goal was missed.
 */
import { execFileSync } from 'node:child_process';
import { z } from 'zod';
import { ensureBuild } from '../bench/lib/next-server';
import type { ScenarioResult } from './analyse';
import { runScenario, type HarnessOptions } from './harness';
import { goalTable, readResults, writeChaosMd, writeResult } from './report';
import { SCENARIOS } from './scenarios';
import { startScript } from '../scripts/cli';

const names = SCENARIOS.map((s) => s.name);
startScript(`
usage: npm run chaos [-- <scenario>…]
Fault drills against three next start instances under bounded load (autocannon, loopback only), one scenario at a
time — all of them by default. Builds the app first when the build is stale; writes chaos/results/<scenario>.json,
regenerates CHAOS.md and prints the goal table; exits 1 when a goal was missed.
Scenarios: ${names.join(', ')}
`);
const Args = z.array(z.enum(names as [string, ...string[]], { message: `scenarios are: ${names.join(', ')}` }));

function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'app', 'lib', 'chaos/*.ts', 'chaos/scenarios', 'e2e/support'], {
      encoding: 'utf8',
    }).trim();
    return dirty ? `${head}+dirty` : head;
  } catch {
    return 'unknown';
  }
}

const SETTINGS: Omit<HarnessOptions, 'log'> = {
  instances: 3,
  ratePerInstance: 40,
  connectionsPerInstance: 4,
  baselineMs: 3000,
  afterMs: 8000,
  timeoutSec: 8,
};

async function main(): Promise<void> {
  const parsed = Args.safeParse(process.argv.slice(2));
  if (!parsed.success) {
    console.error(parsed.error.issues[0]?.message);
    process.exit(2);
  }
  const selected = parsed.data.length ? SCENARIOS.filter((s) => parsed.data.includes(s.name)) : SCENARIOS;
  if (ensureBuild()) console.log('built the app (next build)');
  const started = Date.now();
  const at = commit();
  for (const scenario of selected) {
    const log = (line: string) => console.log(`[${scenario.name} +${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`);
    const base = {
      scenario: scenario.name,
      title: scenario.title,
      fault: scenario.fault,
      family: scenario.family,
      commit: at,
      date: new Date().toISOString(),
    };
    const reason = scenario.unavailable();
    let result: ScenarioResult;
    if (reason) {
      log(`skipped: ${reason}`);
      result = { ...base, skipped: reason };
    } else {
      try {
        result = { ...base, ...(await runScenario(scenario, { ...SETTINGS, log })) };
      } catch (error) {
        log(`could not run: ${(error as Error).stack ?? String(error)}`);
        result = { ...base, skipped: `the drill failed to run: ${(error as Error).message.split('\n')[0]}` };
      }
    }
    writeResult(result);
  }
  const results = readResults(names);
  writeChaosMd(
    results,
    `${SETTINGS.instances} × ${SETTINGS.ratePerInstance} requests/s (autocannon, ${SETTINGS.connectionsPerInstance} connections per instance, ${SETTINGS.timeoutSec} s timeout) for ${SETTINGS.baselineMs / 1000} s before the fault, during it, and ${SETTINGS.afterMs / 1000} s after it`,
  );
  console.log(
    `\n${goalTable(results)}\n\nchaos: ${selected.length} scenario(s) in ${Math.round((Date.now() - started) / 1000)} s; CHAOS.md regenerated`,
  );
  const missed = results
    .filter((r) => selected.some((s) => s.name === r.scenario))
    .some((r) => r.skipped?.startsWith('the drill') || (r.goals ?? []).some((g) => !g.ok));
  process.exit(missed ? 1 : 0);
}

void main();
