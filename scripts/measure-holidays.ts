/**
 * What the Brazilian calendar buys in accuracy: for every demo product, fits Prophet on three years of demo history
 * and forecasts the following year twice — once with the five holidays the service used to know (Christmas Eve,
 * Christmas, New Year's Eve, Carnival's Monday and Tuesday, Good Friday) and once with the full calendar
 * (date-holidays, Brazil) — then compares MAPE on the held-out year's holiday days and on its other days.
 *   npx tsx scripts/measure-holidays.ts [--json FILE]     (default FILE: bench/results/holidays.json)
 */
import fs from 'node:fs';
import path from 'node:path';
import { addDays } from '../lib/forecasting/dates';
import { DEMO_PRODUCTS, generateDemoHistory } from '../lib/forecasting/demo-data';
import { DEFAULT_HOLIDAY_CALENDAR, holidaysOn } from '../lib/forecasting/holidays';
import type { HolidaySpec } from '../lib/forecasting/model-artifact';
import { fitModel, mape, pointForecast, rebuildModel } from '../lib/forecasting/prophet-model';
import { trainingInputFor } from '../lib/forecasting/training-input';

const TRAIN_END = '2024-12-31';
const TRAIN_DAYS = 3 * 365;
const TEST_DAYS = 365;

/** The five holidays of the hand-written list this calendar replaced, under today's names. */
function legacyHolidays(all: HolidaySpec[]): HolidaySpec[] {
  const carnivalWeekdays = (h: HolidaySpec) => ({
    ...h,
    // Only Monday and Tuesday (date-holidays counts Saturday to Ash Wednesday).
    occurrences: h.occurrences.filter((o) => [1, 2].includes(new Date(o.start * 1000).getUTCDay())),
  });
  return all.flatMap((h) => {
    if (['christmas_eve', 'christmas_day', 'new_years_eve', 'good_friday'].includes(h.name)) return [h];
    if (h.name === 'carnival') return [carnivalWeekdays(h)];
    return [];
  });
}

interface Row {
  product: string;
  holidayDays: number;
  before: { holidayMape: number; otherMape: number };
  after: { holidayMape: number; otherMape: number };
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log('usage: npx tsx scripts/measure-holidays.ts [--json FILE]   (MAPE on held-out holidays, old five-holiday list vs the calendar)');
    return;
  }
  const jsonAt = args.indexOf('--json');
  const out = jsonAt >= 0 ? args[jsonAt + 1]! : path.join('bench', 'results', 'holidays.json');
  const testStart = addDays(TRAIN_END, 1);
  const testDates = Array.from({ length: TEST_DAYS }, (_, i) => addDays(testStart, i));
  const isHoliday = testDates.map((d) => holidaysOn(d, DEFAULT_HOLIDAY_CALENDAR).length > 0);
  const rows: Row[] = [];
  for (const product of DEMO_PRODUCTS) {
    const all = generateDemoHistory(addDays(TRAIN_END, TEST_DAYS), TRAIN_DAYS + TEST_DAYS, [product]);
    const train = all.slice(0, TRAIN_DAYS).map(({ date, quantity }) => ({ date, quantity }));
    const actual = all.slice(TRAIN_DAYS).map((r) => r.quantity);
    const { input, window } = trainingInputFor(product.name, train);
    const score = async (holidays: HolidaySpec[]) => {
      const fit = await fitModel({ ...input, holidays });
      const model = await rebuildModel({ format: 1, product: product.name, version: 1, trainedAt: new Date(0).toISOString(), window, ...fit });
      const yhat = pointForecast(model, TEST_DAYS).yhat;
      const pick = (want: boolean) => {
        const idx = testDates.map((_, i) => i).filter((i) => isHoliday[i] === want);
        return mape(
          idx.map((i) => actual[i]!),
          idx.map((i) => yhat[i]!),
        );
      };
      return { holidayMape: pick(true), otherMape: pick(false) };
    };
    const before = await score(legacyHolidays(input.holidays));
    const after = await score(input.holidays);
    rows.push({ product: product.name, holidayDays: isHoliday.filter(Boolean).length, before, after });
    console.log(
      `${product.name.padEnd(16)} holiday days MAPE ${before.holidayMape.toFixed(1).padStart(5)} % → ${after.holidayMape.toFixed(1).padStart(5)} %   other days ${before.otherMape.toFixed(1).padStart(5)} % → ${after.otherMape.toFixed(1).padStart(5)} %`,
    );
  }
  const summary = {
    before: { holidayMape: mean(rows.map((r) => r.before.holidayMape)), otherMape: mean(rows.map((r) => r.before.otherMape)) },
    after: { holidayMape: mean(rows.map((r) => r.after.holidayMape)), otherMape: mean(rows.map((r) => r.after.otherMape)) },
  };
  console.log(
    `\nmean over ${rows.length} products, held-out ${testStart}…${testDates.at(-1)} (${rows[0]?.holidayDays ?? 0} holiday days): ` +
      `holiday days ${summary.before.holidayMape.toFixed(1)} % → ${summary.after.holidayMape.toFixed(1)} %, ` +
      `other days ${summary.before.otherMape.toFixed(1)} % → ${summary.after.otherMape.toFixed(1)} %`,
  );
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    JSON.stringify(
      {
        what: 'MAPE (%) of a one-year forecast, on held-out holiday days and other days: five fixed holidays (before) vs the date-holidays calendar, Brazil (after)',
        command: 'npx tsx scripts/measure-holidays.ts',
        trainWindow: { end: TRAIN_END, days: TRAIN_DAYS },
        testWindow: { start: testStart, days: TEST_DAYS },
        summary,
        products: rows,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`written to ${out}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
