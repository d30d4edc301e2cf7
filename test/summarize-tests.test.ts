import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The closing line of `npm test` is what CI reads: check its arithmetic, and that it is never green while tests
// failed outside their bodies, were skipped or focused away, or never ran. The fixtures copy the shapes vitest 4
// and Playwright 1.65 write (`--reporter=json`), trimmed to the fields the script reads.
function summarize(reports: Record<string, unknown>, steps: string[] = [], floor: unknown = { minTestsRan: 3 }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'summary-'));
  for (const [name, body] of Object.entries(reports)) fs.writeFileSync(path.join(dir, name), JSON.stringify(body));
  const floorFile = path.join(dir, 'min-tests.json');
  if (floor !== null) fs.writeFileSync(floorFile, JSON.stringify(floor));
  const env = { ...process.env, MIN_TESTS_FILE: floorFile };
  try {
    const out = execFileSync('node', ['scripts/summarize-tests.mjs', dir, ...steps], { encoding: 'utf8', env });
    return { code: 0, out, last: lastLine(out) };
  } catch (error) {
    const e = error as { status: number; stdout: string };
    return { code: e.status, out: e.stdout, last: lastLine(e.stdout) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
const lastLine = (out: string) => out.trim().split('\n').at(-1);

type Status = 'passed' | 'failed' | 'skipped' | 'pending' | 'todo';
const test = (fullName: string, status: Status) => ({
  ancestorTitles: [],
  fullName,
  title: fullName,
  status,
  failureMessages: status === 'failed' ? [`Error: ${fullName} broke`] : [],
  meta: {},
  tags: [],
});
const file = (name: string, status: 'passed' | 'failed', tests: ReturnType<typeof test>[], message = '') => ({
  assertionResults: tests,
  startTime: 0,
  endTime: 1,
  status,
  message,
  name: path.join(process.cwd(), 'test', name),
});
/** A vitest report whose top-level numbers are computed from the files, as vitest does. */
function vitestReport(files: ReturnType<typeof file>[]) {
  const all = files.flatMap((f) => f.assertionResults);
  const count = (...statuses: Status[]) => all.filter((t) => statuses.includes(t.status as Status)).length;
  const numFailedTests = count('failed');
  const numFailedTestSuites = files.filter((f) => f.status === 'failed').length;
  return {
    numTotalTestSuites: files.length,
    numPassedTestSuites: files.length - numFailedTestSuites,
    numFailedTestSuites,
    numPendingTestSuites: 0,
    numTotalTests: all.length,
    numPassedTests: count('passed'),
    numFailedTests,
    numPendingTests: count('skipped', 'pending'),
    numTodoTests: count('todo'),
    startTime: 0,
    success: numFailedTests === 0 && numFailedTestSuites === 0,
    testResults: files,
  };
}

const vitestOk = vitestReport([
  file('a.test.ts', 'passed', [test('a1', 'passed'), test('a2', 'passed')]),
  file('b.test.ts', 'passed', [test('b1', 'passed')]),
]);

type PwStatus = 'expected' | 'unexpected' | 'flaky' | 'skipped';
const pwTest = (title: string, status: PwStatus, expectedStatus: 'passed' | 'skipped' = status === 'skipped' ? 'skipped' : 'passed') => ({
  title,
  file: 'x.spec.ts',
  line: 3,
  tests: [{ expectedStatus, status, results: [{ status: status === 'expected' ? 'passed' : status === 'skipped' ? 'skipped' : 'failed' }] }],
});
function playwrightReport(specs: ReturnType<typeof pwTest>[], errors: { message: string }[] = []) {
  const count = (status: PwStatus) => specs.filter((s) => s.tests[0].status === status).length;
  return {
    config: {},
    suites: [{ title: 'x.spec.ts', file: 'x.spec.ts', specs, suites: [] }],
    errors,
    stats: {
      startTime: '2026-12-03T00:00:00.000Z',
      duration: 1,
      expected: count('expected'),
      skipped: count('skipped'),
      unexpected: count('unexpected'),
      flaky: count('flaky'),
    },
  };
}
const playwrightOk = playwrightReport([pwTest('p1', 'expected'), pwTest('p2', 'expected'), pwTest('p3', 'expected')]);

describe('scripts/summarize-tests.mjs', () => {
  it('adds both runners and exits 0 when every test ran and passed', () => {
    const r = summarize({ 'vitest.json': vitestOk, 'playwright.json': playwrightOk });
    expect(r.last).toBe('tests: 6 passed, 0 failed');
    expect(r.out).not.toContain('The run fails');
    expect(r.code).toBe(0);
  });

  it('counts failed tests, flaky tests and failed steps, prints why above the closing line, and exits non-zero', () => {
    const r = summarize(
      {
        'vitest.json': vitestReport([file('a.test.ts', 'failed', [test('a1', 'passed'), test('a2', 'failed'), test('a3', 'failed')])]),
        'playwright.json': playwrightReport([pwTest('ok', 'expected'), pwTest('broken', 'unexpected'), pwTest('shaky', 'flaky')]),
      },
      ['typecheck'],
    );
    expect(r.out).toContain('step failed: typecheck');
    expect(r.out).toContain('vitest: 2 failed in test/a.test.ts: a2; a3');
    expect(r.out).toContain('playwright: 1 failed: x.spec.ts:3 broken');
    expect(r.out).toContain('playwright: 1 flaky');
    expect(r.last).toBe('tests: 2 passed, 5 failed');
    expect(r.out.indexOf('The run fails')).toBeLessThan(r.out.lastIndexOf('tests: '));
    expect(r.code).toBe(1);
  });

  it('counts a vitest file whose beforeAll failed as failed: its tests came out "skipped" but never ran', () => {
    // Real shape: the file is "failed" with an empty message, and every test under the hook is "skipped".
    const hooked = file('hook.test.ts', 'failed', [test('group a', 'skipped'), test('group b', 'skipped')]);
    const r = summarize({ 'vitest.json': vitestReport([...vitestOk.testResults, hooked]), 'playwright.json': playwrightOk });
    expect(r.out).toMatch(
      /vitest: test\/hook\.test\.ts failed outside its tests \(a beforeAll\/afterAll hook.*2 of its tests did not run: group a; group b/,
    );
    expect(r.last).toBe('tests: 6 passed, 2 failed');
    expect(r.code).toBe(1);
  });

  it('counts a file that failed in afterAll (all its tests passed) or did not load as one failure each', () => {
    const afterAllBroke = file('after.test.ts', 'failed', [test('c1', 'passed')]);
    const noLoad = file('broken.test.ts', 'failed', [], "Cannot find module './nope' imported from /work/test/broken.test.ts");
    const r = summarize({ 'vitest.json': vitestReport([...vitestOk.testResults, afterAllBroke, noLoad]), 'playwright.json': playwrightOk });
    expect(r.out).toContain('vitest: test/after.test.ts failed outside its tests');
    expect(r.out).toContain(
      "vitest: test/broken.test.ts failed outside its tests (a beforeAll/afterAll hook, or it did not load) — Cannot find module './nope'",
    );
    expect(r.last).toBe('tests: 7 passed, 2 failed');
    expect(r.code).toBe(1);
  });

  it('fails the run on any skipped, pending or todo vitest test', () => {
    const skips = file('skip.test.ts', 'passed', [
      test('runs', 'passed'),
      test('skipped', 'skipped'),
      test('pending', 'pending'),
      test('later', 'todo'),
    ]);
    const r = summarize({ 'vitest.json': vitestReport([...vitestOk.testResults, skips]), 'playwright.json': playwrightOk });
    expect(r.out).toContain('vitest: 3 skipped/todo (none is allowed) in test/skip.test.ts: skipped (skipped); pending (pending); later (todo)');
    expect(r.last).toBe('tests: 7 passed, 3 failed, 3 skipped');
    expect(r.code).toBe(1);
  });

  it('fails the run on a focused vitest test: the .only fails, the tests it focused away count too', () => {
    // With allowOnly: false vitest fails the focused test and marks the others skipped.
    const only = file('only.test.ts', 'failed', [test('focused', 'failed'), test('other', 'skipped')]);
    const r = summarize({ 'vitest.json': vitestReport([...vitestOk.testResults, only]), 'playwright.json': playwrightOk });
    expect(r.out).toContain('vitest: 1 failed in test/only.test.ts: focused');
    expect(r.out).toContain('vitest: 1 skipped/todo (none is allowed) in test/only.test.ts: other (skipped)');
    expect(r.last).toBe('tests: 6 passed, 2 failed, 1 skipped');
    expect(r.code).toBe(1);
  });

  it('fails the run on skipped Playwright tests, and names those that did not run after a failed hook', () => {
    const pw = playwrightReport([
      pwTest('p1', 'expected'),
      pwTest('p2', 'expected'),
      pwTest('p3', 'expected'),
      pwTest('fixme', 'skipped'),
      pwTest('after a failed beforeAll', 'skipped', 'passed'),
    ]);
    const r = summarize({ 'vitest.json': vitestOk, 'playwright.json': pw });
    expect(r.out).toContain(
      'playwright: 2 skipped or not run (none is allowed): x.spec.ts:3 fixme (skipped); x.spec.ts:3 after a failed beforeAll (did not run)',
    );
    expect(r.last).toBe('tests: 6 passed, 2 failed, 2 skipped');
    expect(r.code).toBe(1);
  });

  it('fails the run on a Playwright run error such as a test.only refused by forbidOnly (no test ran)', () => {
    // Real shape: stats all zero, the refusal in `errors`.
    const refused = playwrightReport(
      [],
      [
        {
          message: "Error: item focused with '.only' is not allowed due to the 'forbidOnly' option in 'playwright.config.ts': \"y.spec.ts focused\"",
        },
      ],
    );
    const r = summarize({ 'vitest.json': vitestOk, 'playwright.json': refused });
    expect(r.out).toContain("playwright: 1 run error(s): Error: item focused with '.only' is not allowed");
    expect(r.last).toBe('tests: 3 passed, 1 failed');
    expect(r.code).toBe(1);
  });

  it('fails when fewer tests ran than the floor, even if all of them passed', () => {
    const r = summarize({ 'vitest.json': vitestOk, 'playwright.json': playwrightOk }, [], { minTestsRan: 7 });
    expect(r.out).toMatch(/only 6 tests ran, below the floor of 7 in .*min-tests\.json/);
    expect(r.last).toBe('tests: 6 passed, 1 failed');
    expect(r.code).toBe(1);
    expect(summarize({ 'vitest.json': vitestOk, 'playwright.json': playwrightOk }, [], { minTestsRan: 6 }).code).toBe(0);
  });

  it('fails without a usable floor, so the check cannot be switched off by deleting it', () => {
    for (const floor of [null, {}, { minTestsRan: 0 }, { minTestsRan: '270' }]) {
      const r = summarize({ 'vitest.json': vitestOk, 'playwright.json': playwrightOk }, [], floor);
      expect(r.out, JSON.stringify(floor)).toMatch(/no test floor: .*min-tests\.json is missing or has no positive integer "minTestsRan"/);
      expect(r.last, JSON.stringify(floor)).toBe('tests: 6 passed, 1 failed');
      expect(r.code, JSON.stringify(floor)).toBe(1);
    }
  });

  it('treats a missing report as a failure, never as success', () => {
    const noVitest = summarize({ 'playwright.json': playwrightOk });
    expect(noVitest.out).toContain('vitest: no report');
    expect(noVitest.last).toBe('tests: 3 passed, 1 failed');
    expect(noVitest.code).toBe(1);

    // This repository has e2e specs, so a Playwright report is expected too.
    const noPlaywright = summarize({ 'vitest.json': vitestOk });
    expect(noPlaywright.out).toContain('playwright: no report');
    expect(noPlaywright.last).toBe('tests: 3 passed, 1 failed');
    expect(noPlaywright.code).toBe(1);

    // …unless the build it needs failed, which is already counted as a step.
    const buildFailed = summarize({ 'vitest.json': vitestOk }, ['next-build']);
    expect(buildFailed.out).not.toContain('playwright: no report');
    expect(buildFailed.last).toBe('tests: 3 passed, 1 failed');

    const unreadable = summarize({ 'vitest.json': 'not a report', 'playwright.json': playwrightOk });
    expect(unreadable.out).toContain('vitest: no report');
    expect(unreadable.code).toBe(1);
  });

  it('fails when the vitest report lists fewer results than tests it counted', () => {
    const r = summarize({ 'vitest.json': { ...vitestOk, numTotalTests: 5 }, 'playwright.json': playwrightOk });
    expect(r.out).toContain('vitest: the report counts 5 tests but lists results for 3');
    expect(r.code).toBe(1);
  });
});
