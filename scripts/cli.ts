/**
 * What every command-line script of the project does first, so it behaves like the server:
 * - loads `.env`, `.env.production`, `.env.local`, `.env.production.local` exactly as `next start` does (through
 *   Next.js' own loader; variables already in the environment win), so `npm run import` writes to the database the
 *   server reads and `npm run doctor` checks the Redis it uses;
 * - answers `--help` / `-h` with its usage and does nothing else.
 */
import { loadEnvConfig } from '@next/env';

export function loadServerEnv(dir: string = process.cwd()): void {
  loadEnvConfig(dir, false, { info: () => undefined, error: (...args: unknown[]) => console.error(...args) });
}

/** Prints `usage` and exits 0 when the arguments ask for help. */
export function exitWithUsageIfAsked(usage: string, argv: readonly string[] = process.argv.slice(2)): void {
  if (!argv.some((a) => a === '--help' || a === '-h')) return;
  process.stdout.write(`${usage.trim()}\n`);
  process.exit(0);
}

/** Both, in that order: the usage never depends on the environment. */
export function startScript(usage: string): void {
  exitWithUsageIfAsked(usage);
  loadServerEnv();
}
