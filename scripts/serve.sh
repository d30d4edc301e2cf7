#!/usr/bin/env bash
# Install, build and start the service (default http://localhost:5001).
# Uses Redis at REDIS_HOST:REDIS_PORT (or REDIS_URL) when reachable, the in-memory fallback when not.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
usage_if_asked "usage: npm run serve
Installs the dependencies (npm ci when needed), builds when the sources changed, and starts the service on
http://localhost:\${PORT:-5001} (next start; it reads .env, .env.production, .env.local). Redis at REDIS_HOST:REDIS_PORT
(or REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES) when reachable, the in-memory fallback when not; the database
at DATABASE_URL (PostgreSQL) or DATABASE_PATH (SQLite)." "$@"
export NEXT_TELEMETRY_DISABLED=1
[ -f .env ] && { set -a; source .env; set +a; }
ensure_node_modules
if ! build_is_fresh; then
  log "building (next build)"
  npx next build
fi
PORT=${PORT:-5001}
log "starting on http://localhost:$PORT"
exec npx next start -p "$PORT"
