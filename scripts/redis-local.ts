/**
 * Runs a local Redis Cluster or Sentinel set-up in the foreground, for trying the service on a replicated Redis:
 *   npm run redis:cluster  [-- --base-port 7001] [--dir ./redis-cluster]    3 masters + 3 replicas
 *   npm run redis:sentinel [-- --base-port 26000] [--dir ./redis-sentinel]  1 master + 1 replica + 3 sentinels
 * It prints the environment lines that point the service at it, then waits for Ctrl-C or SIGTERM and stops every
 * server (temp directories are removed; a `--dir` is kept with the servers' logs in it).
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startCluster, startSentinel, type RedisNode } from './redis-topology';

const USAGE = 'usage: tsx scripts/redis-local.ts <cluster|sentinel> [--base-port N] [--dir PATH]';

const argsSchema = z.object({
  mode: z.enum(['cluster', 'sentinel']),
  basePort: z.coerce.number().int().min(1024).max(55_000).optional(),
  dir: z.string().min(1).optional(),
});

function readArgs(argv: string[]): z.infer<typeof argsSchema> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'base-port': { type: 'string' }, dir: { type: 'string' } },
  });
  const parsed = argsSchema.safeParse({ mode: positionals[0], basePort: values['base-port'], dir: values.dir });
  if (!parsed.success || positionals.length !== 1) {
    const why = parsed.success
      ? 'exactly one mode expected'
      : parsed.error.issues.map((i) => `${i.path.join('.') || 'mode'}: ${i.message}`).join('; ');
    throw new Error(`${why}\n${USAGE}`);
  }
  return parsed.data;
}

const address = (n: RedisNode) => `${n.host}:${n.port}`;

async function main(): Promise<void> {
  const args = readArgs(process.argv.slice(2));
  let stop: () => Promise<void>;
  if (args.mode === 'cluster') {
    const cluster = await startCluster({ basePort: args.basePort, dir: args.dir });
    stop = () => cluster.stop();
    const masters = await cluster.masters();
    const replicas = await cluster.replicas();
    console.log(
      `Redis Cluster ready: ${masters.length} masters (${masters.map(address).join(', ')}), ${replicas.length} replicas (${replicas.map(address).join(', ')})`,
    );
    console.log(`data directories: ${masters[0]?.dir.replace(/\/[^/]+$/, '') ?? '-'}`);
    console.log('\nPoint the service at it with:\n');
    console.log(`REDIS_CLUSTER_NODES=${cluster.nodeList}`);
  } else {
    const sentinel = await startSentinel({ basePort: args.basePort, dir: args.dir });
    stop = () => sentinel.stop();
    console.log(
      `Redis Sentinel ready: master ${address(sentinel.master)}, replicas ${sentinel.replicas.map(address).join(', ')}, sentinels ${sentinel.sentinels.map(address).join(', ')} (master name ${sentinel.masterName})`,
    );
    console.log(`data directories: ${sentinel.master.dir.replace(/\/[^/]+$/, '')}`);
    console.log('\nPoint the service at it with:\n');
    console.log(`REDIS_SENTINELS=${sentinel.sentinelList} REDIS_SENTINEL_NAME=${sentinel.masterName}`);
  }
  console.log('\nRunning in the foreground; Ctrl-C (or SIGTERM) stops every server.');

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the Redis servers…`);
    stop().then(
      () => {
        console.log('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        console.error(`stop failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, shutdown);
  // Keeps the event loop alive until a signal arrives (the servers are child processes with ignored stdio).
  setInterval(() => undefined, 1 << 30);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
