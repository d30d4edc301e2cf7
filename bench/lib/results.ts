/**
 * Result files and console tables. Every part writes `bench/results/<name>.json` with the environment it
 * ran in (machine, load, Node and Redis versions, date, pinning), every figure with its runs, the tables
 * it printed and its goals with PASS/MISS.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { currentAffinity } from './cpu';

export interface Table {
  /** Sub-section the table belongs to in BENCHMARKS.md (e.g. one workload mix); tables of one heading are adjacent. */
  heading?: string;
  title: string;
  columns: string[];
  rows: string[][];
  note?: string;
}

export interface Goal {
  name: string;
  target: string;
  actual: string;
  /** null = not measurable in this run (e.g. a route that doesn't exist yet). */
  pass: boolean | null;
  detail?: string;
}

export interface Environment {
  date: string;
  node: string;
  redis: string;
  os: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  loadavgBefore: number[];
  loadavgAfter?: number[];
  pinning: { node: string; redis: string };
  gitCommit: string;
  command: string;
}

export interface BenchResult {
  name: string;
  title: string;
  env: Environment;
  config: Record<string, unknown>;
  tables: Table[];
  goals: Goal[];
  figures: unknown;
  durationSec: number;
}

export const RESULTS_DIR = path.join(process.cwd(), 'bench', 'results');

function gitCommit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    // The results of earlier parts of the same run are not a change to what is measured.
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'lib', 'app', 'bench', ':!bench/results'], { encoding: 'utf8' }).trim();
    return dirty ? `${sha}+dirty` : sha;
  } catch {
    return 'unknown';
  }
}

/** The 1, 5 and 15 minute load averages, two decimals. */
export function loadavg(): number[] {
  return os.loadavg().map((x) => Number(x.toFixed(2)));
}

/** The machine and versions a part runs on; `nodeCore` describes this process's pinning (default: its affinity). */
export function captureEnvironment(redis: { version: string; core: number | null }, command: string, nodeCore = currentAffinity()): Environment {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    redis: redis.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadavgBefore: loadavg(),
    pinning: { node: nodeCore, redis: String(redis.core ?? 'unpinned') },
    gitCommit: gitCommit(),
    command,
  };
}

export function writeResult(result: BenchResult, dir = RESULTS_DIR): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${result.name}.json`);
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(result, null, 2) + '\n');
  fs.renameSync(tmp, file);
  return file;
}

export function readResult(name: string, dir = RESULTS_DIR): BenchResult | null {
  const file = path.join(dir, `${name}.json`);
  if (!fs.existsSync(file)) return null;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResult;
}

export function goalMark(pass: boolean | null, target?: string): string {
  if (pass === null) return target === 'report' ? 'reported' : 'n/a';
  return pass ? 'PASS' : 'MISS';
}

/** The goals of a part as a table (target next to the figure). */
export function goalsTable(goals: Goal[]): Table {
  return {
    title: 'Goals',
    columns: ['goal', 'target', 'measured', 'result'],
    rows: goals.map((g) => [g.name, g.target, g.actual, goalMark(g.pass, g.target)]),
  };
}

/** Plain-text table for the console. */
export function renderConsoleTable(t: Table): string {
  const widths = t.columns.map((c, i) => Math.max(c.length, ...t.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [`\n${t.title}`, line(t.columns), widths.map((w) => '-'.repeat(w)).join('  '), ...t.rows.map(line)];
  if (t.note) out.push(t.note);
  return out.join('\n');
}

export function printTables(tables: Table[]): void {
  for (const t of tables) console.log(renderConsoleTable(t));
}

/** GitHub-flavoured Markdown table. */
export function renderMarkdownTable(t: Table): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const head = `| ${t.columns.map(esc).join(' | ')} |`;
  // Figures right-aligned, text left-aligned.
  const numeric = (i: number) => t.rows.every((r) => /^([\d≥≤<>~–—-]|n\/a|$)/.test(r[i] ?? ''));
  const sep = `| ${t.columns.map((_, i) => (i > 0 && numeric(i) ? '---:' : '---')).join(' | ')} |`;
  const rows = t.rows.map((r) => `| ${r.map(esc).join(' | ')} |`);
  return [head, sep, ...rows].join('\n') + (t.note ? `\n\n${t.note}` : '');
}
