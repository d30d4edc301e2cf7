#!/usr/bin/env bash
# Runs every test: type check, lint, format check, unit + integration (vitest, real redis-server on free ports; the
# ops pack through promtool), end-to-end (Playwright in Debian's Chromium against `next start`). Installs what is
# missing.
# Ends with one line: `tests: N passed, M failed` (M counts skipped tests and a test count below test/min-tests.json too).
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
usage_if_asked "usage: npm test
Runs every check: type check, lint, format, unit and integration tests (private redis-server, PostgreSQL and Redis
Cluster/Sentinel on free ports), the ops pack (promtool), then the production build and the end-to-end tests in
Chromium. Installs what is missing (npm ci; redis-server, chromium, postgresql, prometheus with apt-get as root).
Ends with one line: tests: N passed, M failed." "$@"
export NEXT_TELEMETRY_DISABLED=1 CI=${CI:-}

ensure_node_modules || exit 1
ensure_apt redis-server redis-server || exit 1
ensure_apt chromium chromium || exit 1
# promtool (checks the ops pack and /api/metrics); the package's server is not needed, nor started.
ensure_apt promtool prometheus --no-install-recommends || exit 1
ensure_postgres_binaries || exit 1

out=.test-artifacts
rm -rf "$out"; mkdir -p "$out"
steps_failed=()

log "type check (tsc --noEmit)"
npx tsc --noEmit || steps_failed+=("typecheck")

log "lint (eslint, no warnings allowed)"
npm run -s lint || steps_failed+=("lint")

log "format check (prettier --check)"
npm run -s format:check || steps_failed+=("format")

log "unit and integration tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json="$out/vitest.json"
vitest_rc=$?
# A non-zero exit the report explains (failed tests, or a file failing in a hook or on load: success false) is
# counted from the report, and so is a missing report; anything else (unhandled errors) is a failed step.
if [ $vitest_rc -ne 0 ] && node -e "const r=require('./$out/vitest.json'); process.exit(r.success===false?1:0)" 2>/dev/null; then
  steps_failed+=("vitest (exit $vitest_rc)")
fi

if ls e2e/*.spec.ts >/dev/null 2>&1; then
  log "production build for e2e (next build)"
  if npx next build > "$out/next-build.log" 2>&1; then
    log "end-to-end tests (playwright)"
    PLAYWRIGHT_JSON_OUTPUT_NAME="$out/playwright.json" npx playwright test --reporter=list,json || true
  else
    tail -40 "$out/next-build.log"
    steps_failed+=("next-build")
  fi
fi

node scripts/summarize-tests.mjs "$out" "${steps_failed[@]}"
