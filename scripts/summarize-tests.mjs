// Adds up the vitest and Playwright JSON reports (plus failed steps such as the type check) into the one closing
// line `tests: N passed, M failed` (`, K skipped` appended when tests were skipped); exits non-zero unless M is 0.
//
// A green line has to mean that every test ran and passed, so M counts every reason for the run to fail, and each
// reason is printed above the closing line:
//   - failed tests (vitest; Playwright unexpected and flaky);
//   - tests that did not run: skipped, todo, or focused away by `.only` — none is allowed (K of the M are these);
//   - a vitest file that failed outside its tests (a beforeAll/afterAll hook, or the file did not load): each of its
//     tests that did not run counts as failed, the file at least once;
//   - failed steps named on the command line, a missing report, Playwright run-level errors;
//   - fewer tests ran than the floor kept in test/min-tests.json (`minTestsRan`), or no readable floor.
// MIN_TESTS_FILE points at another floor file (the script's own tests use it).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const [dir, ...failedSteps] = process.argv.slice(2);
const floorFile = process.env.MIN_TESTS_FILE ?? path.join(root, 'test', 'min-tests.json');

let passed = 0;
let failed = 0;
let skipped = 0;
/** Tests that actually ran (passed or failed), for the floor. */
let ran = 0;
const reasons = [];

function fail(count, reason) {
  failed += count;
  reasons.push(reason);
}

function read(file) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  } catch {
    return null;
  }
}

const rel = (file) => path.relative(root, file) || file;
const firstLine = (text) =>
  String(text ?? '')
    .trim()
    .split('\n')[0]
    .slice(0, 300);
function titles(list) {
  const shown = list.slice(0, 5).join('; ');
  return list.length > 5 ? `${shown}; … and ${list.length - 5} more` : shown;
}

for (const step of failedSteps) fail(1, `step failed: ${step}`);

const vitest = read('vitest.json');
if (Array.isArray(vitest?.testResults)) {
  const before = reasons.length;
  let seen = 0;
  for (const file of vitest.testResults ?? []) {
    const name = rel(file.name ?? '(unnamed file)');
    const tests = file.assertionResults ?? [];
    seen += tests.length;
    const good = tests.filter((t) => t.status === 'passed');
    const bad = tests.filter((t) => t.status === 'failed');
    // skipped, pending, todo, disabled: anything that did not run
    const notRun = tests.filter((t) => t.status !== 'passed' && t.status !== 'failed');
    passed += good.length;
    ran += good.length + bad.length;
    if (bad.length) fail(bad.length, `vitest: ${bad.length} failed in ${name}: ${titles(bad.map((t) => t.fullName))}`);
    if (file.status === 'failed' && bad.length === 0) {
      // No failed test, yet the file failed: a hook (its tests then come out as skipped) or the file itself.
      const detail = file.message ? ` — ${firstLine(file.message)}` : '';
      const lost = notRun.length ? `; ${notRun.length} of its tests did not run: ${titles(notRun.map((t) => t.fullName))}` : '';
      fail(Math.max(1, notRun.length), `vitest: ${name} failed outside its tests (a beforeAll/afterAll hook, or it did not load)${detail}${lost}`);
    } else if (notRun.length) {
      skipped += notRun.length;
      fail(
        notRun.length,
        `vitest: ${notRun.length} skipped/todo (none is allowed) in ${name}: ${titles(notRun.map((t) => `${t.fullName} (${t.status})`))}`,
      );
    }
  }
  if (typeof vitest.numTotalTests === 'number' && vitest.numTotalTests !== seen) {
    fail(1, `vitest: the report counts ${vitest.numTotalTests} tests but lists results for ${seen}`);
  }
  if (vitest.success === false && reasons.length === before) fail(1, 'vitest: the run did not succeed (see its output above)');
} else {
  fail(1, 'vitest: no report (vitest.json missing, unreadable or without testResults)');
}

const e2eDir = path.join(root, 'e2e');
const hasSpecs = fs.existsSync(e2eDir) && fs.readdirSync(e2eDir).some((f) => f.endsWith('.spec.ts'));
if (fs.existsSync(path.join(dir, 'playwright.json')) || hasSpecs) {
  const pw = read('playwright.json');
  if (pw?.stats) {
    const { expected = 0, unexpected = 0, flaky = 0, skipped: pwSkipped = 0 } = pw.stats;
    passed += expected;
    ran += expected + unexpected + flaky;
    const tests = [];
    const walk = (suite) => {
      for (const spec of suite.specs ?? []) {
        for (const test of spec.tests ?? []) tests.push({ title: `${spec.file ?? ''}:${spec.line ?? ''} ${spec.title}`, ...test });
      }
      for (const child of suite.suites ?? []) walk(child);
    };
    for (const suite of pw.suites ?? []) walk(suite);
    const withStatus = (status) => tests.filter((t) => t.status === status);
    if (unexpected) fail(unexpected, `playwright: ${unexpected} failed: ${titles(withStatus('unexpected').map((t) => t.title))}`);
    if (flaky) fail(flaky, `playwright: ${flaky} flaky (failed, then passed on retry): ${titles(withStatus('flaky').map((t) => t.title))}`);
    if (pwSkipped) {
      skipped += pwSkipped;
      const list = withStatus('skipped').map((t) => `${t.title} (${t.expectedStatus === 'skipped' ? 'skipped' : 'did not run'})`);
      fail(pwSkipped, `playwright: ${pwSkipped} skipped or not run (none is allowed): ${titles(list)}`);
    }
    const errors = pw.errors ?? [];
    if (errors.length) fail(1, `playwright: ${errors.length} run error(s): ${titles(errors.map((e) => firstLine(e.message)))}`);
  } else if (!failedSteps.includes('next-build')) {
    fail(1, 'playwright: no report (playwright.json missing or unreadable)');
  }
}

let floor = null;
try {
  const value = JSON.parse(fs.readFileSync(floorFile, 'utf8')).minTestsRan;
  if (Number.isInteger(value) && value > 0) floor = value;
} catch {
  // reported below
}
if (floor === null) fail(1, `no test floor: ${rel(floorFile)} is missing or has no positive integer "minTestsRan"`);
else if (ran < floor)
  fail(1, `only ${ran} tests ran, below the floor of ${floor} in ${rel(floorFile)} (tests deleted, filtered out or not collected?)`);

if (reasons.length) {
  console.log(`\nThe run fails (${reasons.length} reason${reasons.length > 1 ? 's' : ''}):`);
  for (const reason of reasons) console.log(`  - ${reason}`);
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
