import fs from 'node:fs';
import { expect, test } from './fixtures';
import { createTestNetwork, testNetworkUnavailable, type TestNetwork } from './support/netns';
import { appEnv, startNext, stopNext, type NextServer } from './support/processes';
import { runInfo } from './support/run';

/**
 * Management calls from a real caller on another host — a socket address that is not loopback — against
 * `next start` without an admin token: refused with 403 (safe by default), whatever X-Forwarded-For claims, and
 * taken only once CACHE_ADMIN_OPEN=true says so; the audit log then names the socket's address. The caller lives
 * in a network namespace joined to this host by a veth pair (support/netns.ts); the server listens on the host's
 * end of the pair only.
 */

interface CurlAnswer {
  status: number;
  body: string;
}

/** POSTs `body` from inside the test network (curl, so the request really comes from the namespace's socket). */
async function postFromNetwork(network: TestNetwork, url: string, body: string, headers: Record<string, string> = {}): Promise<CurlAnswer> {
  const headerArgs = Object.entries({ 'content-type': 'application/json', ...headers }).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
  const { stdout } = await network.exec('curl', [
    '-s',
    '-m',
    '30',
    '-o',
    '-',
    '-w',
    '\n%{http_code}',
    '-X',
    'POST',
    ...headerArgs,
    '--data',
    body,
    url,
  ]);
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

async function getFromNetwork(network: TestNetwork, url: string): Promise<number> {
  const { stdout } = await network.exec('curl', ['-s', '-m', '30', '-o', '/dev/null', '-w', '%{http_code}', url]);
  return Number(stdout);
}

test.describe('management calls from another host', () => {
  let network: TestNetwork | null = null;
  const servers: NextServer[] = [];

  test.beforeAll(async () => {
    const unavailable = await testNetworkUnavailable();
    test.skip(unavailable !== null, unavailable ?? '');
    network = await createTestNetwork();
  });
  test.afterAll(async () => {
    for (const server of servers) stopNext(server);
    await network?.remove();
  });

  async function serverOnTestNetwork(name: string, extra: Record<string, string>): Promise<NextServer> {
    const { dir, redis } = runInfo();
    const server = await startNext({
      dir,
      name,
      host: network!.hostAddress,
      env: appEnv(dir, name, redis.port, {
        REDIS_DB: '3',
        CACHE_PREFIX: `ai_module_${name.replace(/-/g, '_')}_e2e`,
        ALLOWED_HOSTS: network!.hostAddress,
        ...extra,
      }),
    });
    servers.push(server);
    return server;
  }

  test('without a token they are refused with 403 saying how to set one; a forged X-Forwarded-For does not help', async () => {
    test.setTimeout(120_000);
    const server = await serverOnTestNetwork('remote-closed', {});
    // Reads stay open to the network.
    expect(await getFromNetwork(network!, `${server.url}/api/ai/health`)).toBe(200);
    for (const [route, body] of [
      ['/api/ai/cache/clear', '{"target":"predictions"}'],
      ['/api/ai/cache/warm-up', '{}'],
      ['/api/ai/models/Croissant/retrain', '{}'],
    ] as const) {
      for (const headers of [{}, { 'x-forwarded-for': '127.0.0.1' }] as Record<string, string>[]) {
        const answer = await postFromNetwork(network!, `${server.url}${route}`, body, headers);
        expect(answer.status, `${route} ${JSON.stringify(headers)}`).toBe(403);
        expect(answer.body).toContain('CACHE_ADMIN_TOKEN');
      }
    }
  });

  test('CACHE_ADMIN_OPEN=true takes them, and the audit log names the socket address, not X-Forwarded-For', async () => {
    test.setTimeout(120_000);
    const server = await serverOnTestNetwork('remote-open', { CACHE_ADMIN_OPEN: 'true', LOG_LEVEL: 'info' });
    const answer = await postFromNetwork(network!, `${server.url}/api/ai/cache/clear`, '{"target":"predictions"}', {
      'x-forwarded-for': '127.0.0.1',
    });
    expect(answer.status).toBe(200);
    const logFile = `${runInfo().dir}/ai_service-remote-open.log`;
    let audit: { caller?: string } | undefined;
    await expect
      .poll(
        () => {
          const lines = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n') : [];
          audit = lines
            .filter((line) => line.includes('"management call"'))
            .map((line) => JSON.parse(line) as { caller?: string })
            .at(-1);
          return audit !== undefined;
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    expect(audit!.caller).toBe(network!.callerAddress);
  });
});
