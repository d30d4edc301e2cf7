/**
 * A private PostgreSQL for integration tests: a fresh cluster (initdb, trust auth, fsync off) in a temporary
 * directory, listening on a free port of 127.0.0.1 and on a socket in that directory — never the machine's own
 * server on 5432. Always stopped when the test process exits (even after a failed test).
 *
 * ```ts
 * const pg = await startPostgresServer();
 * afterAll(() => pg.stop());
 * pg.url                      // postgres://postgres@127.0.0.1:<port>/postgres
 * await pg.stop();            // fast shutdown (clients are disconnected, a clean checkpoint)
 * await pg.kill();            // immediate shutdown: a crash, recovery on the next start
 * await pg.start();           // again, same port and data directory
 * await pg.psql('SELECT 1')   // psql -At output, trimmed
 * ```
 *
 * Debian's initdb/pg_ctl refuse to run as root: as root they run as the `postgres` user (`su`), in a directory it
 * owns. The binaries are found under /usr/lib/postgresql/<version>/bin (newest first), or PG_BIN when set.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';

export interface PostgresServerHandle {
  url: string;
  port: number;
  dir: string;
  /** Fast shutdown (`pg_ctl -m fast stop`). Idempotent. */
  stop(): Promise<void>;
  /** Immediate shutdown (`pg_ctl -m immediate stop`): every backend dies at once, like a crash. Idempotent. */
  kill(): Promise<void>;
  /** (Re)starts the server on the same port and data directory; resolves when it accepts connections. */
  start(): Promise<void>;
  /** Runs `psql -At -c sql` as the superuser; resolves with its trimmed stdout (rejects with stderr on an error). */
  psql(sql: string): Promise<string>;
}

/** The directory holding initdb, pg_ctl and psql. */
export function postgresBinDir(): string {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv && fs.existsSync(path.join(fromEnv, 'initdb'))) return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')) && fs.existsSync(path.join(root, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions.length) {
    throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql/*/bin: apt-get install -y postgresql (npm test does it)');
  }
  return path.join(root, versions[0]!, 'bin');
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The command line that runs `args` as the directory's owner: `su postgres` when we are root. */
function asOwner(args: string[]): [string, string[]] {
  if (!isRoot) return [args[0]!, args.slice(1)];
  return ['su', ['postgres', '-s', '/bin/bash', '-c', args.map(shellQuote).join(' ')]];
}

function run(args: string[], timeoutMs = 60_000): Promise<string> {
  const [cmd, rest] = asOwner(args);
  return new Promise((resolve, reject) => {
    execFile(cmd, rest, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${args.slice(0, 2).join(' ')} failed: ${String(stderr || err.message).trim()}`));
      else resolve(stdout);
    });
  });
}

const running = new Map<string, string>(); // data dir → bin dir, for the exit hook
const tempDirs = new Set<string>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const stopAll = () => {
    for (const [data, bin] of running) {
      const [cmd, rest] = asOwner([path.join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', '-t', '10', 'stop']);
      spawnSync(cmd, rest, { stdio: 'ignore', timeout: 15_000 });
    }
    running.clear();
    for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
  };
  process.once('exit', stopAll);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      stopAll();
      process.exit(130);
    });
  }
}

/**
 * Removes data directories that earlier test processes left behind (a process killed before its exit hook ran):
 * no server running in them (no postmaster.pid) and untouched for 10 minutes (no test keeps a server stopped that
 * long). Each holds ~40 MB.
 */
function sweepLeftovers(): void {
  const cutoff = Date.now() - 600_000;
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (!name.startsWith('pg-test-')) continue;
    const dir = path.join(os.tmpdir(), name);
    try {
      if (fs.existsSync(path.join(dir, 'data', 'postmaster.pid'))) continue;
      if (fs.statSync(dir).mtimeMs > cutoff) continue;
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // another process's directory we may not read, or already gone
    }
  }
}

export async function startPostgresServer(): Promise<PostgresServerHandle> {
  installExitHook();
  sweepLeftovers();
  const bin = postgresBinDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-test-'));
  tempDirs.add(dir);
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    fs.chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  await run([path.join(bin, 'initdb'), '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  let port = await freePort();

  const launch = async () => {
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
    await run([path.join(bin, 'pg_ctl'), '-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', '-t', '60', 'start']);
    running.set(data, bin);
  };
  const stopWith = async (mode: 'fast' | 'immediate') => {
    if (!running.has(data)) return;
    await run([path.join(bin, 'pg_ctl'), '-D', data, '-m', mode, '-w', '-t', '30', 'stop']);
    running.delete(data);
  };

  try {
    await launch();
  } catch {
    // The port may have been taken between freePort() and the bind: one retry on another port.
    port = await freePort();
    await launch();
  }

  return {
    get url() {
      return `postgres://postgres@127.0.0.1:${port}/postgres`;
    },
    get port() {
      return port;
    },
    dir,
    stop: () => stopWith('fast'),
    kill: () => stopWith('immediate'),
    async start() {
      if (running.has(data)) return;
      await launch();
    },
    psql: async (sql) =>
      (
        await new Promise<string>((resolve, reject) => {
          execFile(
            path.join(bin, 'psql'),
            ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-At', '-v', 'ON_ERROR_STOP=1', '-c', sql],
            { timeout: 30_000 },
            (err, stdout, stderr) => (err ? reject(new Error(`psql failed: ${String(stderr || err.message).trim()}`)) : resolve(stdout)),
          );
        })
      ).trim(),
  };
}
