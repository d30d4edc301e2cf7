/**
 * The environment of a `next start` the harnesses launch (e2e, benchmarks): the current environment with the
 * app's own variables cleared first, so a developer's .env or shell (REDIS_URL, REDIS_CLUSTER_NODES, …) never
 * points the server at another Redis or database; then production mode, no telemetry, `env` and the port.
 */
const APP_VARIABLE = /^(REDIS_|CACHE_|DATABASE_|LOG_|DASHBOARD_|NEXT_PUBLIC_POLL|SEED_DEMO_DATA$|SEED_DEMO_PRODUCTS$|TRUST_PROXY_HOPS$)/;

export function nextStartEnv(port: number, env: Record<string, string>): NodeJS.ProcessEnv {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(process.env)) if (!APP_VARIABLE.test(key)) out[key] = value;
  return { ...out, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production', ...env, PORT: String(port) } as NodeJS.ProcessEnv;
}
