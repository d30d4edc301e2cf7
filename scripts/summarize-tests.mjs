// Adds up the vitest and Playwright JSON reports (plus failed steps such as the type check)
// into the one closing line `tests: N passed, M failed`; exits non-zero on any failure.
import fs from 'node:fs';
import path from 'node:path';

const [dir, ...failedSteps] = process.argv.slice(2);
let passed = 0;
let failed = failedSteps.length;
let skipped = 0;

function read(file) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  } catch {
    return null;
  }
}

const vitest = read('vitest.json');
if (vitest) {
  passed += vitest.numPassedTests ?? 0;
  failed += vitest.numFailedTests ?? 0;
  // A test file that fails to load reports no tests: count it as a failure.
  for (const file of vitest.testResults ?? []) {
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed += 1;
  }
  skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
} else {
  failed += 1;
  failedSteps.push('vitest (no report)');
}

if (fs.existsSync(path.join(dir, 'playwright.json')) || fs.readdirSync('e2e').some((f) => f.endsWith('.spec.ts'))) {
  const pw = read('playwright.json');
  if (pw?.stats) {
    passed += pw.stats.expected ?? 0;
    failed += (pw.stats.unexpected ?? 0) + (pw.stats.flaky ?? 0);
    skipped += pw.stats.skipped ?? 0;
    if ((pw.errors ?? []).length > 0) failed += 1;
  } else if (!failedSteps.includes('next-build')) {
    failed += 1;
    failedSteps.push('playwright (no report)');
  }
}

if (failedSteps.length) console.log(`failed steps: ${failedSteps.join(', ')}`);
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
