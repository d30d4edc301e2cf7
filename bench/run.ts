/**
 * `npm run bench` (every part) or `npm run bench -- <part> [<part>…] [--quick]`.
 * Each part prints its tables and writes bench/results/<part>.json; BENCHMARKS.md is regenerated at the end.
 * Quick runs (harness checks) write bench/results/quick/ and leave BENCHMARKS.md alone.
 */
import path from 'node:path';
import type { BenchPart } from './lib/part';
import { loadavg, writeResult, RESULTS_DIR, type BenchResult } from './lib/results';
import { writeBenchmarksMd } from './report';

// Loaded on demand: one part whose imports are broken can't stop the others.
const PARTS: { name: string; load: () => Promise<BenchPart> }[] = [
  { name: 'peers', load: async () => (await import('./peers')).peers },
  { name: 'seed', load: async () => (await import('./seed')).seed },
  { name: 'scale', load: async () => (await import('./scale')).scale },
  { name: 'http', load: async () => (await import('./http')).http },
  { name: 'store', load: async () => (await import('./store')).store },
  { name: 'front-door', load: async () => (await import('./front-door')).frontDoor },
  { name: 'flood', load: async () => (await import('./flood')).flood },
  { name: 'smart', load: async () => (await import('./smart')).smart },
  { name: 'grace', load: async () => (await import('./grace')).grace },
  { name: 'catalogue', load: async () => (await import('./catalogue')).catalogue },
  { name: 'catalogue-size', load: async () => (await import('./catalogue/size')).catalogueSize },
  { name: 'compression', load: async () => (await import('./compression')).compression },
];

async function main() {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick') || process.env.BENCH_QUICK === '1';
  const names = argv.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => n !== 'all' && !PARTS.some((p) => p.name === n));
  if (unknown.length) {
    console.error(`unknown benchmark: ${unknown.join(', ')} (known: ${PARTS.map((p) => p.name).join(', ')}, all)`);
    process.exit(2);
  }
  const selected = names.length === 0 || names.includes('all') ? PARTS : PARTS.filter((p) => names.includes(p.name));
  const command = `npm run bench${names.length ? ` -- ${names.join(' ')}` : ''}${quick ? ' --quick' : ''}`;
  const t0 = Date.now();
  let failed = 0;
  for (const entry of selected) {
    try {
      const part = await entry.load();
      console.log(`\n=== ${part.title}${quick ? ' (quick)' : ''}`);
      const started = Date.now();
      const measured = await part.run({ quick, command });
      measured.env.loadavgAfter = loadavg();
      const result: BenchResult = { name: part.name, title: part.title, ...measured, durationSec: (Date.now() - started) / 1000 };
      const file = writeResult(result, quick ? path.join(RESULTS_DIR, 'quick') : RESULTS_DIR);
      const missed = result.goals.filter((g) => g.pass === false).length;
      console.log(
        `\n${part.name}: ${result.durationSec.toFixed(0)} s, goals ${result.goals.filter((g) => g.pass).length} passed / ${missed} missed → ${path.relative(process.cwd(), file)}`,
      );
    } catch (err) {
      failed++;
      console.error(`\n${entry.name} failed:`, err);
    }
  }
  if (!quick) {
    writeBenchmarksMd();
    console.log('\nBENCHMARKS.md regenerated');
  }
  console.log(`\nbench: ${selected.length - failed} of ${selected.length} parts ran in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  process.exit(failed ? 1 : 0);
}

void main();
