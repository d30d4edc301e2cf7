/**
 * Two result files of one part side by side: `npx tsx bench/compare-results.ts A.json B.json [labelA labelB]`.
 * Tables are matched by title (the part before " — ", so different round counts still match; the read-heavy tables
 * of older result files were titled "Concurrency N"), rows by their first cell. ops/s gets a B ÷ A column.
 * bench/compare-commits.sh uses it to compare the peers part of two commits.
 */
import fs from 'node:fs';
import { renderConsoleTable, type BenchResult, type Table } from './lib/results';

/** Columns not worth repeating side by side: spreads, ratios to another contender of the same run, inputs. */
const SKIP = new Set(['min–max', 'ours ÷ this', 'never-seen', 'target']);

function tableKey(t: Table): string {
  const head = t.title.split(' — ')[0].trim().toLowerCase();
  if (/^concurrency \d+$/.test(head)) return `read-heavy mix, ${head}`;
  if (head === 'goals') return 'goals (read-heavy mix)';
  return head;
}

function num(cell: string | undefined): number {
  if (!cell) return Number.NaN;
  const n = Number(cell.replace(/,/g, '').replace(/[^\d.+-eE].*$/, ''));
  return Number.isFinite(n) ? n : Number.NaN;
}

function side(a: Table | undefined, b: Table | undefined, la: string, lb: string): Table {
  const base = (b ?? a)!;
  const cols = base.columns.slice(1).filter((c) => !SKIP.has(c));
  const columns = [base.columns[0]];
  for (const c of cols) {
    columns.push(`${c} ${la}`, `${c} ${lb}`);
    if (c === 'ops/s') columns.push(`${lb} ÷ ${la}`);
  }
  const labels = [...(a?.rows ?? []).map((r) => r[0]), ...(b?.rows ?? []).map((r) => r[0])].filter((l, i, all) => all.indexOf(l) === i);
  const cell = (t: Table | undefined, row: string, col: string) => {
    const i = t?.columns.indexOf(col) ?? -1;
    const r = t?.rows.find((x) => x[0] === row);
    return i >= 0 && r ? (r[i] ?? '') : '·';
  };
  const rows = labels.map((label) => {
    const out = [label];
    for (const c of cols) {
      const va = cell(a, label, c);
      const vb = cell(b, label, c);
      out.push(va, vb);
      if (c === 'ops/s') {
        const r = num(vb) / num(va);
        out.push(Number.isFinite(r) ? `${r.toFixed(2)}×` : '·');
      }
    }
    return out;
  });
  const only = !a ? ` (only in ${lb})` : !b ? ` (only in ${la})` : '';
  return { title: `${base.title.split(' — ')[0]}${only}`, columns, rows };
}

function describe(label: string, file: string, r: BenchResult): string {
  const e = r.env;
  return `${label}: ${file}\n   commit ${e.gitCommit} · ${e.date.slice(0, 16).replace('T', ' ')} UTC · \`${e.command}\` · load ${e.loadavgBefore.join(' / ')} before, ${(e.loadavgAfter ?? []).join(' / ')} after · ${r.durationSec.toFixed(0)} s`;
}

function main() {
  const [fa, fb, la = 'A', lb = 'B'] = process.argv.slice(2);
  if (!fa || !fb) {
    console.error('usage: npx tsx bench/compare-results.ts A.json B.json [labelA labelB]');
    process.exit(2);
  }
  const a = JSON.parse(fs.readFileSync(fa, 'utf8')) as BenchResult;
  const b = JSON.parse(fs.readFileSync(fb, 'utf8')) as BenchResult;
  console.log(describe(la, fa, a));
  console.log(describe(lb, fb, b));
  const keys = [...b.tables.map(tableKey), ...a.tables.map(tableKey)].filter(
    (k, i, all) => all.indexOf(k) === i && k !== 'how each contender is configured',
  );
  for (const k of keys) {
    const ta = a.tables.find((t) => tableKey(t) === k);
    const tb = b.tables.find((t) => tableKey(t) === k);
    console.log(renderConsoleTable(side(ta, tb, la, lb)));
  }
  console.log('\nQuote ratios from one sitting only; re-run with the commits swapped to see how much the order moves them.');
}

main();
