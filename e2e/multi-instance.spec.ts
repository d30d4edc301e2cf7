/**
 * Three `next start` instances sharing one database and one private Redis (this file's own, not the global
 * setup's), once on a shared SQLite file and once on a private PostgreSQL: what one instance changes, the others
 * must answer at once.
 *
 * - After a clear or a retrain returns on one instance, a probe hammering all three never gets the old answer.
 * - 1,000 concurrent first forecasts of an untrained product, spread over the three, train it exactly once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, type APIRequestContext } from '@playwright/test';
import type { ModelInfoResponse, PredictionResponse, RetrainResponse } from '@/lib/api-types';
import { startPostgresServer, type PostgresServerHandle } from '../test/helpers/postgres-server';
import { startRedisServer, waitFor, type RedisServerHandle } from '../test/helpers/redis-server';
import { sqliteDatabase, startInstances, type AppInstances } from './support/instances';

const test = base;
test.describe.configure({ mode: 'serial', timeout: 90_000 });

const PRODUCT = 'Pão de Açúcar';
const UNTRAINED = 'Croissant';
const DAYS = 7;

function predictUrl(base: string, product: string, days: number): string {
  return `${base}/api/ai/predict?product=${encodeURIComponent(product)}&days=${days}`;
}

async function predict(request: APIRequestContext, base: string, product: string, days: number): Promise<PredictionResponse> {
  const res = await request.get(predictUrl(base, product, days));
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as PredictionResponse;
}

interface ProbeAnswer {
  instance: number;
  sentAt: number;
  body: PredictionResponse;
}

/**
 * Hammers the forecast on every instance (`perInstance` sequential loops each) until `done()` says enough was
 * seen; every answer must be a 200. Returns the answers with the time each request was sent.
 */
function startProbe(request: APIRequestContext, urls: readonly string[], perInstance: number) {
  const answers: ProbeAnswer[] = [];
  let stop = false;
  const loops = urls.flatMap((url, instance) =>
    Array.from({ length: perInstance }, async () => {
      while (!stop) {
        const sentAt = Date.now();
        const res = await request.get(predictUrl(url, PRODUCT, DAYS));
        expect(res.status(), `instance ${instance}: ${await res.text()}`).toBe(200);
        answers.push({ instance, sentAt, body: (await res.json()) as PredictionResponse });
      }
    }),
  );
  return {
    answers,
    /** Waits until every instance answered `n` requests sent at or after `since`, then stops the loops. */
    async finishAfter(since: number, n: number): Promise<void> {
      const enough = () => urls.every((_, i) => answers.filter((a) => a.instance === i && a.sentAt >= since).length >= n);
      try {
        await waitFor(enough, 30_000, 20, `${n} probe answers per instance`);
      } finally {
        stop = true;
        await Promise.all(loops);
      }
    },
  };
}

type Store = 'sqlite' | 'postgres';

for (const store of ['sqlite', 'postgres'] as const satisfies readonly Store[]) {
  test.describe(`on ${store === 'sqlite' ? 'a shared SQLite file' : 'PostgreSQL'}`, () => {
    let dir: string;
    let redis: RedisServerHandle;
    let postgres: PostgresServerHandle | undefined;
    let apps: AppInstances;
    let failed = false;

    test.beforeAll(async () => {
      test.setTimeout(120_000);
      dir = fs.mkdtempSync(path.join(os.tmpdir(), `ai-cache-multi-${store}-`));
      redis = await startRedisServer();
      if (store === 'postgres') postgres = await startPostgresServer();
      apps = await startInstances({
        count: 3,
        dir,
        redis: { REDIS_HOST: redis.host, REDIS_PORT: String(redis.port) },
        database: postgres ? { DATABASE_URL: postgres.url } : sqliteDatabase(dir),
        // info: the "model trained" lines are what the single-training test counts.
        env: { LOG_LEVEL: 'info', CACHE_PREFIX: 'multi_e2e' },
      });
    });

    test.afterEach(({}, testInfo) => {
      if (testInfo.status !== testInfo.expectedStatus) failed = true;
    });

    test.afterAll(async () => {
      apps?.stop();
      await redis?.stop();
      await postgres?.stop();
      if (failed) console.log(`instance logs kept in ${dir}\n${apps?.logTail() ?? ''}`);
      else if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    test('a clear on one instance: no instance serves the cleared forecast afterwards', async ({ request }) => {
      const urls = apps.urls;
      // Each instance computes or reads the forecast and keeps it in its L1.
      const first = await predict(request, urls[0], PRODUCT, DAYS);
      for (const url of urls) expect((await predict(request, url, PRODUCT, DAYS)).generated_at).toBe(first.generated_at);

      const probe = startProbe(request, urls, 2);
      const cleared = await request.post(`${urls[1]}/api/ai/cache/clear`, { data: { target: PRODUCT } });
      expect(cleared.status(), await cleared.text()).toBe(200);
      const clearReturned = Date.now();
      await probe.finishAfter(clearReturned, 50);

      const after = probe.answers.filter((a) => a.sentAt >= clearReturned);
      const stale = after.filter((a) => a.body.generated_at === first.generated_at);
      expect(stale.map((a) => `instance ${a.instance} at +${a.sentAt - clearReturned} ms`)).toEqual([]);
    });

    test('a retrain on one instance: no instance answers with an older model version afterwards', async ({ request }) => {
      const urls = apps.urls;
      for (const url of urls) await predict(request, url, PRODUCT, DAYS);

      const probe = startProbe(request, urls, 2);
      const res = await request.post(`${urls[2]}/api/ai/models/${encodeURIComponent(PRODUCT)}/retrain`, { data: {} });
      expect(res.status(), await res.text()).toBe(200);
      const retrainReturned = Date.now();
      const retrained = (await res.json()) as RetrainResponse;
      expect(retrained.model_version).toBeGreaterThan(retrained.previous_version ?? 0);
      await probe.finishAfter(retrainReturned, 50);

      const before = probe.answers.filter((a) => a.sentAt < retrainReturned);
      expect(before.length, 'the probe ran while the retrain was in flight').toBeGreaterThan(0);
      const after = probe.answers.filter((a) => a.sentAt >= retrainReturned);
      const stale = after.filter((a) => a.body.model_version < retrained.model_version);
      expect(stale.map((a) => `instance ${a.instance}: v${a.body.model_version} at +${a.sentAt - retrainReturned} ms`)).toEqual([]);
    });

    test('1,000 concurrent first forecasts of an untrained product over three instances train it once', async ({ request }) => {
      const urls = apps.urls;
      const model = async (url: string) =>
        ((await (await request.get(`${url}/api/ai/models/${encodeURIComponent(UNTRAINED)}`)).json()) as ModelInfoResponse).model;
      expect(await model(urls[0]), 'the product starts untrained').toBeNull();

      const answers = await Promise.all(
        Array.from({ length: 1000 }, async (_, i) => {
          const res = await request.get(predictUrl(urls[i % urls.length], UNTRAINED, 14), { timeout: 60_000 });
          return { status: res.status(), body: res.status() === 200 ? ((await res.json()) as PredictionResponse) : await res.text() };
        }),
      );
      const notOk = answers.filter((a) => a.status !== 200);
      expect(notOk.slice(0, 5), `${notOk.length} answers were not 200`).toEqual([]);
      const versions = new Set(answers.map((a) => (a.body as PredictionResponse).model_version));
      expect([...versions]).toEqual([1]);

      // Every training stores a new version: a second one would have made it 2.
      for (const url of urls) expect((await model(url))?.version).toBe(1);
      // And the instances' logs agree: one "model trained" line for the product, across all three.
      const trainedLines = () =>
        apps.servers.flatMap((_, i) => {
          const file = apps.envOf(i).LOG_FILE;
          const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
          return text.split('\n').filter((line) => line.includes('"model trained"') && line.includes(`"product":"${UNTRAINED}"`));
        });
      await waitFor(() => trainedLines().length >= 1, 10_000, 50, 'the "model trained" log line');
      expect(trainedLines()).toHaveLength(1);
    });
  });
}
