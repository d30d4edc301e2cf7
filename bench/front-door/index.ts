/**
 * `npm run bench -- front-door`: what a hostile query string costs the server now that the front door refuses it
 * before Next.js parses it (lib/http/front-door.ts). Against `next start` with a private Redis:
 * - the answer time of one 7,000-key (14 kB) query — before the front door Next.js spent ≈ 0.73 s parsing it;
 * - `/api/ping` latency alone, then while four such queries are in flight at all times — before, one ping waited
 *   ≈ 2.5 s behind four of them.
 */
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { currentAffinity } from '../lib/cpu';
import { ensureBuild, startNext } from '../lib/next-server';
import type { BenchPart } from '../lib/part';
import { startPrivateRedis } from '../lib/redis-server';
import { captureEnvironment, goalsTable, printTables, type Goal, type Table } from '../lib/results';
import { fmtMs, percentiles } from '../lib/stats';

const HUGE_QUERY = '/api/ping?' + Array.from({ length: 7000 }, () => 'a').join('&');

/** One GET on a fresh connection (a flood client does not reuse connections); resolves with status and ms. */
function timedGet(base: string, target: string): Promise<{ status: number; ms: number }> {
  const url = new URL(base);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.get({ host: url.hostname, port: url.port, path: target, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, ms: performance.now() - started }));
    });
    request.setTimeout(30_000, () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}

async function sample(base: string, target: string, count: number): Promise<Float64Array> {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const { status, ms } = await timedGet(base, target);
    if (status !== 200 && status !== 414) throw new Error(`${target.slice(0, 30)}: status ${status}`);
    out[i] = ms;
  }
  return out;
}

export const frontDoor: BenchPart = {
  name: 'front-door',
  title: 'Front door: hostile query strings refused before parsing',
  async run({ quick, command }) {
    const count = quick ? 20 : 200;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-front-door-'));
    const redis = await startPrivateRedis({ core: 1 });
    const env = captureEnvironment(redis, command, currentAffinity());
    console.log(ensureBuild() ? 'next build done' : 'next build is fresh');
    const server = await startNext({
      env: {
        REDIS_HOST: '127.0.0.1',
        REDIS_PORT: String(redis.port),
        DATABASE_PATH: path.join(work, 'sales.db'),
        LOG_FILE: path.join(work, 'service.log'),
        CACHE_AUTO_WARMUP: 'false',
      },
      core: 0,
      readyPath: '/api/ping',
      logFile: path.join(work, 'next.log'),
    });
    try {
      await sample(server.url, '/api/ping', 20); // warm-up
      const refused = await sample(server.url, HUGE_QUERY, count);
      const alone = await sample(server.url, '/api/ping', count);
      // Four flood clients keep a 7,000-key query in flight at all times while pings are timed.
      let flooding = true;
      let floodRequests = 0;
      const flood = Array.from({ length: 4 }, async () => {
        while (flooding) {
          const { status } = await timedGet(server.url, HUGE_QUERY);
          if (status !== 414) throw new Error(`flood answered ${status}`);
          floodRequests++;
        }
      });
      const during = await sample(server.url, '/api/ping', count);
      flooding = false;
      await Promise.all(flood);

      const ps = [50, 99] as const;
      const [r50, r99] = percentiles(refused, count, ps);
      const [a50, a99] = percentiles(alone, count, ps);
      const [d50, d99] = percentiles(during, count, ps);
      const tables: Table[] = [
        {
          title: `Latency over ${count} requests each (fresh connection per request)`,
          columns: ['request', 'p50', 'p99'],
          rows: [
            ['7,000-key query (14 kB), refused 414', fmtMs(r50), fmtMs(r99)],
            ['/api/ping alone', fmtMs(a50), fmtMs(a99)],
            [`/api/ping with 4 such queries always in flight (${floodRequests} sent)`, fmtMs(d50), fmtMs(d99)],
          ],
          note: 'Before the front door (same machine): the 7,000-key query took ≈ 730 ms of parsing, and a ping waited ≈ 2.5 s behind four of them.',
        },
      ];
      const goals: Goal[] = [
        { name: '7,000-key query refused', target: '≤ 50 ms p99', actual: fmtMs(r99), pass: r99 <= 50 },
        { name: 'ping during the flood', target: '≤ 100 ms p99', actual: fmtMs(d99), pass: d99 <= 100 },
      ];
      tables.push(goalsTable(goals));
      printTables(tables);
      return {
        env,
        config: { count, query: '7,000 keys, 14 kB', floodClients: 4, quick },
        tables,
        goals,
        figures: { refusedMs: { p50: r50, p99: r99 }, pingAloneMs: { p50: a50, p99: a99 }, pingDuringMs: { p50: d50, p99: d99 }, floodRequests },
      };
    } finally {
      await server.stop();
      await redis.stop();
      fs.rmSync(work, { recursive: true, force: true });
    }
  },
};
