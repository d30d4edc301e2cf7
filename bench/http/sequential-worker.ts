/**
 * One connection, one request at a time, for `duration` seconds: exact per-request latency (µs resolution —
 * autocannon's histogram has whole milliseconds, too coarse for sub-millisecond answers). Spawned pinned to the
 * other core than the server. Argument: JSON { url, duration, expectStatus }. Prints JSON on stdout.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { percentiles } from '../lib/stats';

interface Args {
  url: string;
  duration: number;
  expectStatus: number;
}

function once(agent: http.Agent, url: URL): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

async function main() {
  const a = JSON.parse(process.argv[2] ?? '{}') as Args;
  const url = new URL(a.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const lat: number[] = [];
  let wrongStatus = 0;
  const start = performance.now();
  const end = start + a.duration * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    const status = await once(agent, url);
    lat.push(performance.now() - t0);
    if (status !== a.expectStatus) wrongStatus++;
  }
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  const [p50, p90, p99, max] = percentiles(Float64Array.from(lat), lat.length, [50, 90, 99, 100]);
  process.stdout.write(
    JSON.stringify({
      requests: lat.length,
      rpsExact: lat.length / elapsed,
      latency: { mean: lat.reduce((x, y) => x + y, 0) / lat.length, p50, p90, p99, max },
      errors: 0,
      timeouts: 0,
      non2xx: wrongStatus,
      wrongStatus,
      durationSec: elapsed,
    }),
  );
}

void main();
