#!/usr/bin/env bash
# Compare the peers benchmark of two commits in one sitting:
#   bench/compare-commits.sh [--harness REF] A B [-- <args for `npm run bench -- peers`, e.g. --quick>]
# Makes a detached git worktree of each commit under /tmp (node_modules hardlinked from this checkout), runs
# `npm run bench -- peers` in A's, then in B's, and prints the two result tables side by side (bench/compare-results.ts).
# --harness REF runs both commits with bench/ and scripts/bench.sh taken from REF (e.g. HEAD), so only lib/ and the
# rest of the product differ; without it each commit runs its own harness (tables only one of them has are printed
# with "only in"). BENCH_MIX and BENCH_ONLY pass through (e.g. BENCH_MIX=miss-heavy BENCH_ONLY=ours,raw).
# Results and logs stay in the printed /tmp directory; the worktrees are removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

harness=""
if [ "${1:-}" = "--harness" ]; then harness=$2; shift 2; fi
if [ $# -lt 2 ]; then
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
a_ref=$1 b_ref=$2
shift 2
[ "${1:-}" = "--" ] && shift
bench_args=("$@")

a=$(git rev-parse --verify --short "$a_ref^{commit}")
b=$(git rev-parse --verify --short "$b_ref^{commit}")
[ -n "$harness" ] && harness=$(git rev-parse --verify --short "$harness^{commit}")
quick=0
for x in "${bench_args[@]}"; do [ "$x" = "--quick" ] && quick=1; done
[ "${BENCH_QUICK:-}" = "1" ] && quick=1
result_rel=bench/results/peers.json
[ "$quick" = 1 ] && result_rel=bench/results/quick/peers.json

out=$(mktemp -d "/tmp/bench-compare-$a-$b.XXXXXX")
worktrees=()
cleanup() {
  for wt in "${worktrees[@]}"; do git -C "$repo" worktree remove --force "$wt" >/dev/null 2>&1 || rm -rf "$wt"; done
  git -C "$repo" worktree prune >/dev/null 2>&1 || true
}
trap cleanup EXIT

prepare() { # prepare <sha> <dir>
  local sha=$1 wt=$2
  git worktree add --detach --quiet "$wt" "$sha"
  worktrees+=("$wt")
  # Hardlinks: seconds and no extra disk. If a commit's package-lock.json differs, scripts/bench.sh runs `npm ci`
  # there, which replaces the tree instead of writing through the links; the stamp it rewrites is a private copy.
  cp -al node_modules "$wt/node_modules" 2>/dev/null || ln -s "$repo/node_modules" "$wt/node_modules"
  if [ -f node_modules/.deps-stamp ] && [ ! -L "$wt/node_modules" ]; then
    rm -f "$wt/node_modules/.deps-stamp" && cp node_modules/.deps-stamp "$wt/node_modules/.deps-stamp"
  fi
  if [ -n "$harness" ]; then
    rm -rf "$wt/bench"
    git archive "$harness" bench scripts/bench.sh | tar -x -C "$wt"
  fi
}

run() { # run <label> <sha>
  local label=$1 sha=$2 wt="$out/wt-$1"
  prepare "$sha" "$wt"
  echo "==> $label = $sha$([ -n "$harness" ] && echo " (harness $harness)"): npm run bench -- peers ${bench_args[*]}  (log: $out/$label.log)" >&2
  (cd "$wt" && npm run bench -- peers "${bench_args[@]}") >"$out/$label.log" 2>&1 || {
    echo "bench failed for $label ($sha); last lines of $out/$label.log:" >&2
    tail -20 "$out/$label.log" >&2
    exit 1
  }
  cp "$wt/$result_rel" "$out/$label.json"
}

run A "$a"
run B "$b"
echo >&2
node_modules/.bin/tsx bench/compare-results.ts "$out/A.json" "$out/B.json" "$a" "$b"
echo
echo "results and logs: $out"
