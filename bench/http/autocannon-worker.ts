/**
 * Runs one autocannon measurement and prints its result as JSON on stdout. Spawned by the HTTP benchmark in
 * its own process, pinned to the other core than the server, so the load generator doesn't steal the
 * server's CPU. Arguments: a JSON object { url, connections, duration, expectStatus }.
 */
import autocannon from 'autocannon';

interface Args {
  url: string;
  connections: number;
  duration: number;
  expectStatus: number;
}

async function main() {
  const a = JSON.parse(process.argv[2] ?? '{}') as Args;
  let wrongStatus = 0;
  const r = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url: a.url, connections: a.connections, duration: a.duration, pipelining: 1 }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
    instance.on('response', (_client, statusCode) => {
      if (statusCode !== a.expectStatus) wrongStatus++;
    });
  });
  process.stdout.write(
    JSON.stringify({
      requests: r.requests.total,
      rps: r.requests.average,
      // autocannon's "requests.average" is per-second samples; the exact rate is total / duration
      rpsExact: r.requests.total / r.duration,
      latency: { mean: r.latency.average, p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
      errors: r.errors,
      timeouts: r.timeouts,
      non2xx: r.non2xx,
      wrongStatus,
      durationSec: r.duration,
    }),
  );
}

void main();
