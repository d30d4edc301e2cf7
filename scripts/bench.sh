#!/usr/bin/env bash
# Benchmarks (not tests): `npm run bench` runs every part, `npm run bench -- <part> [--quick]` one part.
# Parts: peers | seed | scale | http | store | front-door | flood | smart | grace | compression | catalogue | catalogue-size. Each starts its own redis-server on a free port (never 6379; store also
# a private PostgreSQL, never 5432), prints tables, writes bench/results/<part>.json and regenerates BENCHMARKS.md.
# Node runs on core 0 and Redis on core 1 (taskset) when the machine has two cores or more.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
usage_if_asked "usage: npm run bench [-- <part>…] [--quick]
Parts: peers | seed | scale | http | store | front-door | flood | smart | grace | compression | catalogue | catalogue-size (default: all; catalogue takes --products=N, default 2000; catalogue-size --sizes=N,M, default 2000,10000). Each starts its own redis-server (and PostgreSQL for
store) on free ports, prints its tables, writes bench/results/<part>.json and regenerates BENCHMARKS.md.
--quick: fewer iterations (a smoke run; its figures are not for comparison)." "$@"
export NEXT_TELEMETRY_DISABLED=1

ensure_node_modules
ensure_apt redis-server redis-server
ensure_postgres_binaries

pin=()
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then pin=(taskset -c 0); fi
log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# Compiled the way production code is (one esbuild bundle, no name-keeping helpers), not through tsx at run time:
# tsx keeps function names by wrapping every function created at run time, a cost the peers (shipped as compiled
# JavaScript) don't pay. Dependencies stay external: each library runs its own published build.
node_modules/.bin/esbuild bench/run.ts --bundle --platform=node --format=cjs --target=node20 --packages=external \
  --outfile=.bench-build/run.js --log-level=error
exec "${pin[@]}" node --expose-gc .bench-build/run.js "$@"
