# Helpers shared by scripts/test and scripts/demo. Source it from a bash script that runs
# with `set -euo pipefail`:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   install_deps; build_project; pg_start   # PG* and DATABASE_URL now point at a fresh cluster
#
# Everything registered with on_exit runs when the script ends, however it ends (success,
# failure under set -e, Ctrl-C, SIGTERM), newest first.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

DEBIAN_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libpqxx-dev libpq-dev libyaml-cpp-dev libboost-dev libcli11-dev doctest-dev libfmt-dev
  nlohmann-json3-dev libpg-query-dev prometheus-cpp-dev
  clang-14 libclang-rt-14-dev
  postgresql-15 postgresql-client-15
  util-linux procps time
  python3-psycopg
)

log() {
  printf '%s\n' "$*" >&2
}

die() {
  log "error: $*"
  exit 1
}

# --- cleanup on exit ---------------------------------------------------------------------

_EXIT_HOOKS=()

on_exit() {
  _EXIT_HOOKS+=("$1")
}

_run_exit_hooks() {
  local i
  for ((i = ${#_EXIT_HOOKS[@]} - 1; i >= 0; i--)); do
    eval "${_EXIT_HOOKS[i]}" || true
  done
  _EXIT_HOOKS=()
}

_on_exit() {
  local rc=$?
  set +e
  _run_exit_hooks
  exit "$rc"
}

_on_signal() {
  local rc=$1
  trap - INT TERM
  set +e
  _run_exit_hooks
  exit "$rc"
}

trap _on_exit EXIT
trap '_on_signal 130' INT
trap '_on_signal 143' TERM

# --- dependencies and build --------------------------------------------------------------

install_deps() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    log "dpkg-query not found: not Debian; make sure these are installed: ${DEBIAN_PACKAGES[*]}"
    return 0
  fi
  local missing=() package status wanted=("${DEBIAN_PACKAGES[@]}")
  # Node.js may come from elsewhere than Debian (with its own npm); only a machine without
  # npm gets Debian's.
  command -v npm >/dev/null 2>&1 || wanted+=(nodejs npm)
  for package in "${wanted[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)"
    if [[ "$status" != "install ok installed" ]]; then
      missing+=("$package")
    fi
  done
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null 2>&1 || die "missing packages (${missing[*]}) and no sudo to install them"
    sudo=(sudo)
  fi
  log "installing: ${missing[*]}"
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
}

# install_clients: the npm drivers the client-compatibility tests write through
# (tests/clients/package-lock.json), installed once and again whenever the lock file changes.
install_clients() {
  local dir="$ROOT/tests/clients"
  if [[ ! -f "$dir/node_modules/.package-lock.json" ||
    "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]]; then
    log "installing the npm drivers of tests/clients"
    npm ci --prefix "$dir" --no-audit --no-fund >&2
  fi
}

# build_project [build_dir [target...]]: configure once (Ninja, RelWithDebInfo with line tables
# only: a backtrace still names file and line, and the build takes a fifth less time than with
# full debug information), then build the targets named (everything when none is named).
build_project() {
  local build_dir="${1:-$ROOT/build}"
  (($# == 0)) || shift
  if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
    cmake -S "$ROOT" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG"
  fi
  local targets=()
  (($# == 0)) || targets=(--target "$@")
  cmake --build "$build_dir" -j"$(nproc)" "${targets[@]}"
}

# --- throwaway PostgreSQL ----------------------------------------------------------------

pg_bindir() {
  local dir
  if command -v pg_config >/dev/null 2>&1; then
    dir="$(pg_config --bindir)"
    if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
      printf '%s\n' "$dir"
      return 0
    fi
  fi
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [[ -n "$dir" && -x "$dir/initdb" ]] || die "no PostgreSQL server binaries found; install postgresql-15"
  printf '%s\n' "$dir"
}

# Runs a server tool as the cluster's owner. initdb, pg_ctl and postgres refuse to run as
# root, so root hands them to the postgres user; the cd keeps them out of a directory
# (root's home, say) that user cannot enter.
_as_pg_owner() {
  if ((EUID == 0)); then
    (cd "$PG_TMPDIR" && runuser -u postgres -- "$@")
  else
    (cd "$PG_TMPDIR" && "$@")
  fi
}

_port_in_use() {
  local port=$1
  if command -v ss >/dev/null 2>&1; then
    [[ -n "$(ss -Htln "sport = :$port" 2>/dev/null)" ]]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
  fi
}

_pick_port() {
  local port attempt
  for ((attempt = 0; attempt < 200; attempt++)); do
    port=$((40000 + RANDOM % 20000))
    if ! _port_in_use "$port"; then
      printf '%s\n' "$port"
      return 0
    fi
  done
  die "no free port found in 40000-59999"
}

# Starts a private cluster: a fresh directory under /tmp (a unix socket path may be at most
# 107 bytes, and the postgres user must reach it), listening only on a socket there, with
# durability off. Exports PGHOST PGPORT PGUSER PGDATABASE DATABASE_URL PG_TMPDIR PG_BIN.
# Stopped and removed on exit.
pg_start() {
  [[ -z "${PG_TMPDIR:-}" ]] || die "pg_start: a cluster is already running in $PG_TMPDIR"
  PG_BIN="$(pg_bindir)"
  PG_TMPDIR="$(mktemp -d /tmp/orchestrate-pg.XXXXXX)"
  export PG_BIN PG_TMPDIR
  on_exit pg_stop
  chmod 755 "$PG_TMPDIR"
  if ((EUID == 0)); then
    id postgres >/dev/null 2>&1 || die "running as root needs a postgres user (install postgresql-15)"
    chown postgres: "$PG_TMPDIR"
  fi

  # --locale=C: a LANG naming a locale that is not installed would make initdb fail.
  if ! _as_pg_owner "$PG_BIN/initdb" -D "$PG_TMPDIR/data" -A trust -U postgres --no-sync \
    -E UTF8 --locale=C >"$PG_TMPDIR/initdb.log" 2>&1; then
    cat "$PG_TMPDIR/initdb.log" >&2
    die "initdb failed"
  fi

  local port
  port="$(_pick_port)"
  # In postgresql.conf rather than on the command line, so a restart keeps them.
  cat >>"$PG_TMPDIR/data/postgresql.conf" <<EOF

# throwaway cluster started by scripts/lib.sh
listen_addresses = ''
port = $port
unix_socket_directories = '$PG_TMPDIR'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF

  if ! _as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_TMPDIR/data" -l "$PG_TMPDIR/postgres.log" \
    -w -t 60 start >/dev/null; then
    tail -n 30 "$PG_TMPDIR/postgres.log" >&2 || true
    die "PostgreSQL did not start"
  fi
  local tries
  for ((tries = 0; tries < 300; tries++)); do
    if "$PG_BIN/pg_isready" -q -h "$PG_TMPDIR" -p "$port"; then
      break
    fi
    sleep 0.1
  done
  "$PG_BIN/pg_isready" -q -h "$PG_TMPDIR" -p "$port" || die "PostgreSQL does not accept connections"

  export PGHOST="$PG_TMPDIR" PGPORT="$port" PGUSER=postgres PGDATABASE=postgres
  export DATABASE_URL="host=$PG_TMPDIR port=$port user=postgres dbname=postgres"
  log "PostgreSQL running: $DATABASE_URL"
}

pg_stop() {
  [[ -n "${PG_TMPDIR:-}" ]] || return 0
  if [[ -f "$PG_TMPDIR/data/postmaster.pid" ]]; then
    if ! _as_pg_owner "$PG_BIN/pg_ctl" -D "$PG_TMPDIR/data" -m fast -w -t 30 stop >/dev/null 2>&1; then
      # pg_ctl gave up: the postmaster's pid is still on disk.
      local pid
      pid="$(head -n 1 "$PG_TMPDIR/data/postmaster.pid" 2>/dev/null || true)"
      [[ -z "$pid" ]] || kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -rf -- "$PG_TMPDIR"
  unset PG_TMPDIR PGHOST PGPORT PGUSER PGDATABASE DATABASE_URL
}
