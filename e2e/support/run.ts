/** What global-setup started, as the specs see it. */
import fs from 'node:fs';
import type { RedisControl } from './processes';

export interface RunInfo {
  dir: string;
  redis: RedisControl;
  baseURL: string;
  /** The dashboard's poll interval the server was started with (DASHBOARD_POLL_MS). */
  pollMs: number;
}

let cached: RunInfo | null = null;

export function runInfo(): RunInfo {
  if (cached) return cached;
  const file = process.env.E2E_RUN_FILE;
  if (!file || !fs.existsSync(file)) throw new Error('E2E_RUN_FILE is not set: run the specs through playwright.config.ts (global setup)');
  cached = JSON.parse(fs.readFileSync(file, 'utf8')) as RunInfo;
  return cached;
}
