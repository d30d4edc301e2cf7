import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresStore } from '@/lib/forecasting/postgres/store';
import { isDatabaseError } from '@/lib/http/forecasting-access';
import { startPostgresServer, type PostgresServerHandle } from '../helpers/postgres-server';

/** A PostgreSQL that stops answering (every process of the cluster SIGSTOPped) costs a timeout, never a hang. */
describe('a hung PostgreSQL', () => {
  let server: PostgresServerHandle;
  let store: PostgresStore;
  let pids: number[] = [];

  /** The cluster's processes: the postmaster (first line of postmaster.pid) and its children. */
  function clusterPids(): number[] {
    const postmaster = Number(fs.readFileSync(path.join(server.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    let children: number[] = [];
    try {
      children = execFileSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map(Number);
    } catch {
      // no children
    }
    return [postmaster, ...children];
  }
  const signal = (sig: NodeJS.Signals) => pids.forEach((pid) => process.kill(pid, sig));

  beforeAll(async () => {
    server = await startPostgresServer();
    store = await openPostgresStore({ url: server.url, connectTimeoutMs: 1_000, statementTimeoutMs: 1_000, poolMax: 2, leaseMs: 3_000 });
    await store.sales.upsertSales([{ date: '2026-01-01', product: 'Bolo', quantity: 1 }]);
  });
  afterAll(async () => {
    if (pids.length) signal('SIGCONT');
    await store?.close();
    await server?.stop();
  });

  it('queries on open connections and new connections both fail with a database error', async () => {
    await store.sales.history('Bolo'); // a connection is open in the pool
    pids = clusterPids();
    signal('SIGSTOP');
    try {
      const errors = await Promise.all([
        store.sales.history('Bolo').then(
          () => null,
          (e: unknown) => e,
        ),
        store.models.latestArtifact('Bolo').then(
          () => null,
          (e: unknown) => e,
        ),
        store.ping().then(
          () => null,
          (e: unknown) => e,
        ),
      ]);
      for (const error of errors) {
        expect(error).toMatchObject({ name: 'DatabaseUnavailableError' });
        expect(isDatabaseError(error)).toBe(true);
      }
    } finally {
      signal('SIGCONT');
      pids = [];
    }
    // Answers again once the server does.
    expect(await store.sales.history('Bolo')).toEqual([{ date: '2026-01-01', quantity: 1 }]);
  });
});
