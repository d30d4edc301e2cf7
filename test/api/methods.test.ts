/**
 * Every API route answers every method in the API's JSON shape. A route module that doesn't export a method gets
 * Next.js' own 405 with an empty body under `next start` — not `{"error":{…}}` — so each route exports all five.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const API_DIR = path.join(import.meta.dirname, '../../app/api');

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === 'route.ts' ? [full] : [];
  });
}

describe('HTTP methods of every API route', () => {
  const files = routeFiles(API_DIR).filter((f) => !f.includes('[...path]'));

  it('finds the routes', () => {
    expect(files.length).toBeGreaterThanOrEqual(12);
  });

  it.each(files.map((f) => [path.relative(API_DIR, f), f]))('%s exports GET, POST, PUT, PATCH and DELETE', async (_name, file) => {
    const mod = (await import(file)) as Record<string, unknown>;
    for (const method of METHODS) expect(typeof mod[method], method).toBe('function');
  });

  it('a method a route does not serve answers 405 JSON with Allow', async () => {
    const { POST } = await import('@/app/api/ai/predict/route');
    const res = await POST();
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
    expect(await res.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
  });
});
