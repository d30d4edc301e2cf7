# Shared helpers for the project's scripts: install what is missing, say what to run when we can't.
# shellcheck shell=bash

log() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }

# usage_if_asked USAGE ARG…: with --help or -h among the arguments, print USAGE and exit 0 before doing anything.
usage_if_asked() {
  local usage=$1 arg
  shift
  for arg in "$@"; do
    if [ "$arg" = --help ] || [ "$arg" = -h ]; then
      printf '%s\n' "$usage"
      exit 0
    fi
  done
}

# npm ci when node_modules is missing or was installed from another package-lock.json.
ensure_node_modules() {
  local want have=""
  want=$(sha1sum package-lock.json | cut -d' ' -f1)
  [ -f node_modules/.deps-stamp ] && have=$(cat node_modules/.deps-stamp)
  if [ "$want" != "$have" ]; then
    log "installing npm dependencies (npm ci)"
    NEXT_TELEMETRY_DISABLED=1 npm ci --no-audit --no-fund
    echo "$want" > node_modules/.deps-stamp
  fi
}

# ensure_apt BINARY PACKAGE [APT-GET OPTION…]: install a Debian package when its binary is missing (as root),
# or print the exact command to run and fail.
ensure_apt() {
  local bin=$1 pkg=$2
  shift 2
  command -v "$bin" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing $pkg (apt-get)"
    if [ -z "${_APT_UPDATED:-}" ]; then apt-get update -qq; _APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" "$pkg" >/dev/null
    command -v "$bin" >/dev/null 2>&1 && return 0
  fi
  echo "error: '$bin' is required. Install it with:  sudo apt-get update && sudo apt-get install -y $* $pkg" >&2
  return 1
}

# PostgreSQL's server binaries (initdb, pg_ctl: the tests start private servers) live off PATH, in
# /usr/lib/postgresql/<version>/bin: install Debian's postgresql package when no version has them.
ensure_postgres_binaries() {
  compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null && compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing postgresql (apt-get)"
    if [ -z "${_APT_UPDATED:-}" ]; then apt-get update -qq; _APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null && return 0
  fi
  echo "error: PostgreSQL's initdb/pg_ctl are required. Install them with:  sudo apt-get update && sudo apt-get install -y postgresql" >&2
  return 1
}

# A production build exists and is newer than every source file (run from the repository root; the
# benchmarks call it too). proxy.ts is Next 16's middleware file.
build_is_fresh() {
  [ -f .next/BUILD_ID ] || return 1
  [ -z "$(find app lib components public next.config.js postcss.config.mjs package-lock.json instrumentation.ts \
      proxy.ts tsconfig.json -newer .next/BUILD_ID -type f 2>/dev/null | head -1)" ]
}
