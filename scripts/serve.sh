#!/usr/bin/env bash
# Install, build and start the service (default http://localhost:5001).
# Uses Redis at REDIS_HOST:REDIS_PORT (or REDIS_URL) when reachable, the in-memory fallback when not.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
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
