/**
 * Every npm script of the project's own answers `--help` with its usage and does nothing else: exit 0 at once,
 * no install, no build, no server, no file written (`npm run bench -- --help` once ran every benchmark).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';

const run = promisify(execFile);
const scripts = (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
/** The project's own commands (the others are next, eslint, prettier, tsc, vitest and playwright, with their own help). */
const OWN = ['serve', 'test', 'bench', 'import', 'doctor', 'chaos', 'redis:cluster', 'redis:sentinel', 'screenshots'];

describe('--help', () => {
  test('covers every script of the project’s own', () => {
    const own = Object.entries(scripts)
      .filter(([, command]) => /scripts\/|chaos\//.test(command))
      .map(([name]) => name);
    expect(own.sort()).toEqual([...OWN].sort());
  });

  test.each(OWN)('npm run %s -- --help prints its usage and does nothing else', async (name) => {
    const watched = ['BENCHMARKS.md', 'CHAOS.md', '.test-artifacts', 'data'].map(
      (f) => [f, fs.existsSync(f) ? fs.statSync(f).mtimeMs : null] as const,
    );
    const { stdout } = await run('npm', ['run', '-s', name, '--', '--help'], { timeout: 30_000, env: { ...process.env, LOG_LEVEL: 'silent' } });
    expect(stdout).toMatch(/^usage: /);
    expect(stdout).toContain(name.startsWith('redis:') ? `npm run ${name}` : name === 'test' ? 'npm test' : `npm run ${name}`);
    for (const [file, mtime] of watched) expect(fs.existsSync(file) ? fs.statSync(file).mtimeMs : null, file).toBe(mtime);
  });
});
