import { beforeAll, describe, expect, it } from 'vitest';
import { addDays } from './dates';
import { DEMO_PRODUCTS, generateDemoHistory, type DemoProduct } from './demo-data';
import { forecastDemand } from './forecast';
import { DEFAULT_MODEL_OPTIONS, parseModelArtifact, type ModelArtifact } from './model-artifact';
import { deferredModel, fitModel, mape, pointForecast, REBUILD_FAILED, rebuildModel, shareIdenticalColumns } from './prophet-model';
import { prophetRuntime } from './prophet-runtime';
import { trainingInputFor } from './training-input';
import { TrainingWorker } from './training-worker';
import { forecastHourlyVolume } from './usage-forecast';

const END = '2026-10-31';

function historyOf(product: DemoProduct, endDate = END, days = 3 * 365) {
  return generateDemoHistory(endDate, days, [product]).map(({ date, quantity }) => ({ date, quantity }));
}

async function trainArtifact(product: DemoProduct, history = historyOf(product)): Promise<ModelArtifact> {
  const { input, window } = trainingInputFor(product.name, history);
  const fit = await fitModel(input);
  return { format: 1, product: product.name, version: 1, trainedAt: new Date(0).toISOString(), window, ...fit };
}

const acucar = DEMO_PRODUCTS.find((p) => p.name === 'Pão de Açúcar')!;

describe('Prophet models', () => {
  let artifact: ModelArtifact;
  beforeAll(async () => {
    artifact = await trainArtifact(acucar);
  });

  it('records one fingerprint per design-matrix column, a training window and an in-sample MAPE', () => {
    // weekly (2 × 3) + yearly (2 × 10) Fourier terms + one column per holiday seen in training
    expect(artifact.columnFingerprints.length).toBe(6 + 20 + artifact.holidays.length);
    expect(artifact.holidays.map((h) => h.name)).toEqual(expect.arrayContaining(['christmas_day', 'carnival', 'tiradentes_day', 'mothers_day']));
    expect(artifact.holidayCalendar).toEqual({ country: 'BR' });
    expect(new Set(artifact.columnFingerprints).size).toBe(artifact.columnFingerprints.length);
    expect(artifact.params.beta.length).toBe(artifact.columnFingerprints.length);
    expect(artifact.window).toEqual({ start: addDays(END, -1094), end: END, days: 1095 });
    expect(artifact.mape).toBeGreaterThan(0);
    expect(artifact.mape).toBeLessThan(15);
  });

  it('rebuilds without refitting and forecasts bit-identically, over many rebuilds and a JSON round trip', async () => {
    const stored = parseModelArtifact(JSON.stringify(artifact));
    const reference = forecastDemand(await rebuildModel(stored), 60);
    const rawReference = pointForecast(await rebuildModel(stored), 60).yhat;
    let reordered = 0;
    for (let i = 0; i < 25; i++) {
      const model = await rebuildModel(parseModelArtifact(JSON.stringify(artifact)));
      if (model.reordered) reordered++;
      // augurs sums the design-matrix columns in its own (per-instance) order, so the raw doubles may differ in
      // the last bit; a wrong beta order would be off by units, not by 1e-12.
      pointForecast(model, 60).yhat.forEach((y, j) => expect(Math.abs(y - rawReference[j]!)).toBeLessThan(1e-9 * Math.abs(y)));
      // The published forecast (3 decimals) is bit-identical.
      expect(forecastDemand(model, 60)).toEqual(reference);
    }
    // The column order really does move between instances: this test exercises the permutation.
    expect(reordered).toBeGreaterThan(0);
  });

  it('rebuilds an artifact from before configurable calendars (five fixed holidays, no calendar recorded) as it was trained', async () => {
    // The old calendar: Christmas Eve, Christmas, New Year's Eve, Carnival (Monday, Tuesday) and Good Friday.
    const legacyNames: Record<string, string> = {
      christmas_eve: 'christmas_eve',
      christmas_day: 'christmas',
      new_years_eve: 'new_years_eve',
      good_friday: 'good_friday',
    };
    const { input, window } = trainingInputFor(acucar.name, historyOf(acucar));
    const legacyHolidays = input.holidays.flatMap((h) => (legacyNames[h.name] ? [{ ...h, name: legacyNames[h.name]! }] : []));
    const fit = await fitModel({ ds: input.ds, y: input.y, options: input.options, holidays: legacyHolidays });
    const stored = JSON.stringify({ format: 1, product: acucar.name, version: 1, trainedAt: new Date(0).toISOString(), window, ...fit });
    expect(JSON.parse(stored)).not.toHaveProperty('holidayCalendar');
    const legacy = parseModelArtifact(stored);
    expect(legacy.holidays.map((h) => h.name).sort()).toEqual(['christmas', 'christmas_eve', 'good_friday', 'new_years_eve']);
    // Today's calendar has other holidays: a rebuild must use the artifact's, or the columns would not match.
    expect(forecastDemand(await rebuildModel(legacy), 30)).toEqual(forecastDemand(await rebuildModel(parseModelArtifact(stored)), 30));
  });

  it('replays the stored parameters: the rebuilt model reproduces the fitted in-sample trend', async () => {
    const model = await rebuildModel(artifact);
    const { Prophet } = await prophetRuntime();
    expect(model.prophet).toBeInstanceOf(Prophet);
    const inSample = model.prophet.predict();
    expect(mape(artifact.series.y, inSample.yhat.point)).toBeCloseTo(artifact.mape, 9);
  });

  it("trains series on which Stan's first L-BFGS attempt aborts (falls back to a smaller first step)", async () => {
    const fit = await trainArtifact(acucar, historyOf(acucar, '2026-11-25'));
    expect(fit.mape).toBeLessThan(15);
  });

  it('trains and rebuilds a model whose design matrix has identical columns, giving them one coefficient', async () => {
    const history = historyOf(acucar);
    const { input, window } = trainingInputFor(acucar.name, history);
    // Two holidays on the same day inside the window (identical columns), on different days after it.
    const day = (date: string) => ({ start: Date.parse(`${date}T00:00:00Z`) / 1000, end: Date.parse(`${date}T00:00:00Z`) / 1000 + 86_400 });
    const twins = [
      { name: 'twin-a', occurrences: [day('2026-03-10'), day('2026-11-10')] },
      { name: 'twin-b', occurrences: [day('2026-03-10'), day('2026-11-20')] },
    ];
    const fit = await fitModel({ ...input, holidays: [...input.holidays, ...twins] });
    const prints = fit.columnFingerprints;
    const twinsAt = prints.map((p, i) => i).filter((i) => prints.indexOf(prints[i]!) !== i || prints.lastIndexOf(prints[i]!) !== i);
    expect(twinsAt.length).toBe(2);
    expect(fit.params.beta[twinsAt[0]!]).toBe(fit.params.beta[twinsAt[1]!]);
    const model = await rebuildModel({ format: 1, product: acucar.name, version: 1, trainedAt: new Date(0).toISOString(), window, ...fit });
    const forecast = forecastDemand(model, 30);
    expect(forecast.every((p) => Number.isFinite(p.yhat))).toBe(true);
    // The rebuilt model reproduces the fit over the training window.
    const inSample = model.prophet.predict();
    expect(mape(fit.series.y, inSample.yhat.point)).toBeCloseTo(fit.mape, 9);
  });

  it('shares one coefficient, the mean, between identical columns and leaves the others alone', () => {
    expect(shareIdenticalColumns(['a', 'b', 'a', 'c', 'a'], [1, 2, 5, 3, 0])).toEqual([2, 2, 2, 3, 2]);
    expect(shareIdenticalColumns(['a', 'b'], [1, 2])).toEqual([1, 2]);
  });

  it('fails loudly when the artifact does not match the design matrix', async () => {
    const broken = { ...artifact, columnFingerprints: artifact.columnFingerprints.map((p, i) => (i === 3 ? 'f'.repeat(24) : p)) };
    await expect(rebuildModel(broken)).rejects.toThrow(/column/);
  });

  it('a deferred model rebuilds on first use and forecasts as a rebuilt one; an inconsistent artifact fails there', async () => {
    await prophetRuntime();
    const deferred = deferredModel(artifact);
    expect(deferred).toMatchObject({ product: artifact.product, version: artifact.version, artifact });
    expect(forecastDemand(deferred, 30)).toEqual(forecastDemand(await rebuildModel(artifact), 30));
    const broken = { ...artifact, columnFingerprints: artifact.columnFingerprints.map((p, i) => (i === 3 ? 'f'.repeat(24) : p)) };
    const unbuilt = deferredModel(broken); // loading never rebuilds…
    expect(() => forecastDemand(unbuilt, 7)).toThrow(new RegExp(`^${REBUILD_FAILED}`)); // …the first forecast does
  });

  it('forecasts the requested days after the training window, each with lower ≤ yhat ≤ upper', async () => {
    const model = await rebuildModel(artifact);
    for (const days of [1, 7, 30, 365]) {
      const forecast = forecastDemand(model, days);
      expect(forecast.length).toBe(days);
      forecast.forEach((p, i) => {
        expect(p.date).toBe(addDays(END, i + 1));
        expect(p.yhat_lower).toBeLessThanOrEqual(p.yhat);
        expect(p.yhat).toBeLessThanOrEqual(p.yhat_upper);
        expect(p.yhat_upper - p.yhat_lower).toBeGreaterThan(0);
      });
    }
  });

  it("simulates the same 80 % interval as augurs' own (unseeded) sampler, within sampling error", async () => {
    const model = await rebuildModel(artifact);
    const ours = forecastDemand(model, 30);
    const { Prophet, stanOptimizer } = await prophetRuntime();
    const reference = new Prophet({
      optimizer: stanOptimizer,
      weeklySeasonality: { type: 'fourier', order: DEFAULT_MODEL_OPTIONS.weeklyFourierOrder },
      yearlySeasonality: { type: 'fourier', order: DEFAULT_MODEL_OPTIONS.yearlyFourierOrder },
      dailySeasonality: { type: 'manual', enabled: false },
      seasonalityMode: DEFAULT_MODEL_OPTIONS.seasonalityMode,
      holidays: new Map(artifact.holidays.map((h) => [h.name, { occurrences: h.occurrences, priorScale: DEFAULT_MODEL_OPTIONS.holidaysPriorScale }])),
      uncertaintySamples: 1000,
      intervalWidth: 0.8,
    });
    reference.fit({ ds: artifact.series.ds, y: artifact.series.y });
    const theirs = reference.predict(reference.makeFutureDataframe(30, { includeHistory: false })).yhat.intervals!;
    const width = (lo: number[], hi: number[]) => lo.reduce((s, l, i) => s + (hi[i]! - l), 0) / lo.length;
    const ourWidth = width(
      ours.map((p) => p.yhat_lower),
      ours.map((p) => p.yhat_upper),
    );
    const theirWidth = width(theirs.lower, theirs.upper);
    expect(ourWidth / theirWidth).toBeGreaterThan(0.85);
    expect(ourWidth / theirWidth).toBeLessThan(1.15);
    reference.free();
  });

  it('beats a seasonal-naive forecast (same weekday last week) on the last 8 weeks held out, for most products', async () => {
    const results: { product: string; prophet: number; naive: number }[] = [];
    for (const product of DEMO_PRODUCTS) {
      const history = historyOf(product);
      const train = history.slice(0, -56);
      const test = history.slice(-56);
      const model = await rebuildModel(await trainArtifact(product, train));
      const predicted = forecastDemand(model, 56).map((p) => p.yhat);
      const naive = test.map((_, i) => (i < 7 ? train[train.length - 7 + i]! : test[i - 7]!).quantity);
      const actual = test.map((t) => t.quantity);
      results.push({ product: product.name, prophet: mape(actual, predicted), naive: mape(actual, naive) });
    }
    const wins = results.filter((r) => r.prophet < r.naive).length;
    expect(wins, JSON.stringify(results)).toBeGreaterThan(DEMO_PRODUCTS.length / 2);
  });
});

describe('training worker', () => {
  const boloInput = (days: number) =>
    trainingInputFor(
      'Bolo',
      historyOf(
        DEMO_PRODUCTS.find((p) => p.name === 'Bolo')!,
        END,
        days,
      ),
    ).input;

  it('abandons a fit that exceeds its time limit (terminating the worker); fits with a sane limit succeed', async () => {
    const input = boloInput(400);
    const impatient = new TrainingWorker({ timeoutMs: 1 });
    try {
      await expect(impatient.fit(input)).rejects.toThrow(/did not finish within 1 ms/);
    } finally {
      await impatient.close();
    }
    const patient = new TrainingWorker();
    try {
      const fit = await patient.fit(input);
      expect(fit.series.y.length).toBe(400);
    } finally {
      await patient.close();
    }
  });

  it('retires a worker thread after fitsPerWorker fits: fits already sent finish on it, the next ones start a fresh thread', async () => {
    const input = boloInput(400);
    const worker = new TrainingWorker({ fitsPerWorker: 2 });
    try {
      // Three at once: two on the first thread (which retires when given its second), one on a second thread.
      const fits = await Promise.all([worker.fit(input), worker.fit(input), worker.fit(input)]);
      expect(fits.map((f) => f.series.y.length)).toEqual([400, 400, 400]);
      expect(worker.workersStarted).toBe(2);
      expect(worker.threads).toBe(1); // the retired one exited once its fits were done
      await worker.fit(input); // the second thread's second fit: it retires too
      expect(worker.workersStarted).toBe(2);
      expect(worker.threads).toBe(0);
      await worker.fit(input);
      expect(worker.workersStarted).toBe(3);
      expect(worker.threads).toBe(1);
    } finally {
      await worker.close();
    }
    expect(worker.threads).toBe(0);
    expect(() => new TrainingWorker({ fitsPerWorker: 0 })).toThrow(TypeError);
  });

  it('forecasts the hourly request volume in the worker thread as on this one', async () => {
    // Three days of hourly counts with a daily peak at noon.
    const series = Array.from({ length: 72 }, (_, h) => 2 + (h % 24 === 12 ? 30 : h % 24 >= 9 && h % 24 <= 18 ? 8 : 0));
    const firstHour = Date.UTC(2026, 9, 1);
    const worker = new TrainingWorker();
    try {
      const there = await worker.forecastVolume(firstHour, series, 24);
      const here = await forecastHourlyVolume(firstHour, series, 24);
      expect(there).toHaveLength(24);
      there.forEach((v, i) => expect(v).toBeCloseTo(here[i]!, 6));
      // The noon peak is forecast where it was seen.
      expect(there.indexOf(Math.max(...there))).toBe(12);
    } finally {
      await worker.close();
    }
  });

  it('fits off the main thread and returns the same kind of artifact, which rebuilds in the main thread', async () => {
    const worker = new TrainingWorker();
    try {
      const input = boloInput(800);
      const fit = await worker.fit(input);
      expect(fit.series.ds).toEqual(input.ds);
      expect(fit.params.beta.length).toBe(fit.columnFingerprints.length);
      const model = await rebuildModel({ format: 1, product: 'Bolo', version: 1, trainedAt: '', window: { start: '', end: '', days: 800 }, ...fit });
      const forecast = forecastDemand(model, 7);
      expect(forecast[0]!.date).toBe(addDays(END, 1));
      // Fits of the same series in the worker and here agree (same data, same Stan optimizer).
      const local = await fitModel(input);
      expect(local.mape).toBeCloseTo(fit.mape, 1);
    } finally {
      await worker.close();
    }
  });
});
