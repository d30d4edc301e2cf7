import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The closing line of `npm test` is what CI reads: check its arithmetic on real report shapes.
function summarize(reports: Record<string, unknown>, steps: string[] = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'summary-'));
  for (const [name, body] of Object.entries(reports)) fs.writeFileSync(path.join(dir, name), JSON.stringify(body));
  try {
    const out = execFileSync('node', ['scripts/summarize-tests.mjs', dir, ...steps], { encoding: 'utf8' });
    return { code: 0, out };
  } catch (error) {
    const e = error as { status: number; stdout: string };
    return { code: e.status, out: e.stdout };
  }
}

const vitestOk = { numPassedTests: 7, numFailedTests: 0, numPendingTests: 1, testResults: [] };
const playwrightOk = { stats: { expected: 3, unexpected: 0, flaky: 0, skipped: 0 }, errors: [] };

describe('scripts/summarize-tests.mjs', () => {
  it('adds both runners and exits 0 when all pass', () => {
    const r = summarize({ 'vitest.json': vitestOk, 'playwright.json': playwrightOk });
    expect(r.out.trim().split('\n').at(-1)).toBe('tests: 10 passed, 0 failed, 1 skipped');
    expect(r.code).toBe(0);
  });

  it('counts failed tests, flaky tests and failed steps, and exits non-zero', () => {
    const r = summarize(
      {
        'vitest.json': { ...vitestOk, numFailedTests: 2 },
        'playwright.json': { stats: { expected: 1, unexpected: 1, flaky: 1, skipped: 0 }, errors: [] },
      },
      ['typecheck'],
    );
    expect(r.out).toContain('failed steps: typecheck');
    expect(r.out.trim().split('\n').at(-1)).toBe('tests: 8 passed, 5 failed, 1 skipped');
    expect(r.code).toBe(1);
  });

  it('treats a missing report as a failure, never as success', () => {
    const r = summarize({ 'playwright.json': playwrightOk });
    expect(r.out.trim().split('\n').at(-1)).toBe('tests: 3 passed, 1 failed');
    expect(r.code).toBe(1);
  });
});
