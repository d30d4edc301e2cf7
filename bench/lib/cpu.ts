/**
 * CPU pinning: Node on one core, Redis on the other, so the two don't steal each other's cycles
 * and the figures don't depend on where the scheduler happened to put them.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

let tasksetAvailable: boolean | undefined;

export function hasTaskset(): boolean {
  if (tasksetAvailable === undefined) {
    try {
      execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
      tasksetAvailable = true;
    } catch {
      tasksetAvailable = false;
    }
  }
  return tasksetAvailable;
}

/**
 * `['taskset', '-c', N]` when the machine has that core and taskset exists, else nothing (run unpinned — which
 * inherits this process's own pinning). `'all'` undoes that pinning for a child that uses several cores.
 */
export function pinPrefix(core: number | 'all' | null): string[] {
  if (core === 'all') return hasTaskset() ? ['taskset', '-c', `0-${os.cpus().length - 1}`] : [];
  if (core === null || core >= os.cpus().length || !hasTaskset()) return [];
  return ['taskset', '-c', String(core)];
}

/** The cores this process may run on, as taskset reports them (e.g. "0" or "0,1"). */
export function currentAffinity(): string {
  try {
    const out = execFileSync('taskset', ['-cp', String(process.pid)], { encoding: 'utf8' });
    return out.split(':').pop()?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
