#!/usr/bin/env bash
# Backfill benchmark, run by hand (not part of the test suite):
#
#   tests/bench/backfill.sh [ROWS] [--with-10m]
#
# Starts its own throwaway PostgreSQL, loads three identical tables of ROWS rows (default
# 2,000,000) and copies one column into another three ways:
#   (a) the single locking `UPDATE t SET new = old` (the physical limit),
#   (b) pgroll's algorithm: a marker column defaulting true, an up trigger that sets it false
#       and copies the value, batches of 1000 keys chosen with
#       `WHERE marker AND id > last ORDER BY id LIMIT 1000 FOR NO KEY UPDATE`, touched with
#       `UPDATE ... SET id = id`, one transaction per batch,
#   (c) orchestrate's backfill, through `orchestrate next` on a rename plan (default settings).
# Then the peak RSS of orchestrate's backfill at 1M rows (and 10M with --with-10m), and the
# dual-write trigger's cost as pgbench UPDATE TPS without and with the trigger.
# BUILD_DIR picks the build to use (default build/; built when missing).
set -euo pipefail

ROWS=2000000
WITH_10M=0
for arg in "$@"; do
  case "$arg" in
    --with-10m) WITH_10M=1 ;;
    *) ROWS="$arg" ;;
  esac
done

source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
install_deps
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
if [[ ! -x "$BUILD_DIR/orchestrate" ]]; then
  build_project "$BUILD_DIR"
fi
ORC="$BUILD_DIR/orchestrate"
pg_start
WORK="$(mktemp -d /tmp/orchestrate-bench.XXXXXX)"
on_exit "rm -rf -- '$WORK'"

sql() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

load() { # load TABLE ROWS
  sql <<SQL
CREATE TABLE $1 (id bigint PRIMARY KEY, name text NOT NULL, old text NOT NULL,
                 created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO $1 (id, name, old)
  SELECT i, 'user ' || i, '+1-555-' || lpad(i::text, 9, '0') FROM generate_series(1, $2) i;
VACUUM ANALYZE $1;
SQL
}

rename_plan() { # rename_plan TABLE -> path of a plan renaming TABLE.old to new
  cat >"$WORK/$1.yaml" <<YAML
name: bench-$1
changes:
  - rename_column: {table: $1, from: old, to: new}
YAML
  printf '%s\n' "$WORK/$1.yaml"
}

# Runs expand and dual-write, then the backfill under /usr/bin/time; prints "seconds rss_kb".
orchestrate_backfill() { # orchestrate_backfill TABLE
  local plan
  plan="$(rename_plan "$1")"
  "$ORC" start "$plan" >/dev/null 2>&1
  "$ORC" next "bench-$1" >/dev/null 2>&1
  "$ORC" next "bench-$1" >/dev/null 2>&1
  /usr/bin/time -v -o "$WORK/$1.time" "$ORC" next "bench-$1" >"$WORK/$1.out" 2>&1 ||
    { cat "$WORK/$1.out" >&2; die "orchestrate next failed on $1"; }
  local secs rss
  # The backfill alone, from the engine's own events (the gate's parity scan comes after).
  secs="$(sql -c "SELECT extract(epoch FROM max(at) FILTER (WHERE outcome = 'backfill_done')
                  - max(at) FILTER (WHERE outcome = 'backfill_started'))
                  FROM orchestrate.events WHERE plan = 'bench-$1'")"
  rss="$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/$1.time")"
  [[ "$(sql -c "SELECT count(*) FROM $1 WHERE new IS DISTINCT FROM old")" == 0 ]] ||
    die "orchestrate left differing rows in $1"
  printf '%s %s\n' "$secs" "$rss"
}

log "loading three tables of $ROWS rows"
for t in bench_single bench_pgroll bench_orc; do
  load "$t" "$ROWS"
done
sql -c "CHECKPOINT"

# (a) one UPDATE
sql -c "ALTER TABLE bench_single ADD COLUMN new text"
t0="$(now)"
sql -c "UPDATE bench_single SET new = old"
t1="$(now)"
single_s="$(elapsed "$t0" "$t1")"
sql -c "CHECKPOINT"

# (b) pgroll's algorithm, its batches driven by a procedure that commits after each one (no
# client round trips: if anything this flatters it).
sql <<'SQL'
ALTER TABLE bench_pgroll ADD COLUMN new text;
ALTER TABLE bench_pgroll ADD COLUMN _pgroll_needs_backfill boolean DEFAULT true;
CREATE FUNCTION bench_pgroll_up() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.new := NEW.old;
  NEW._pgroll_needs_backfill := false;
  RETURN NEW;
END $$;
CREATE TRIGGER bench_pgroll_up BEFORE INSERT OR UPDATE ON bench_pgroll
  FOR EACH ROW EXECUTE FUNCTION bench_pgroll_up();
CREATE PROCEDURE bench_pgroll_backfill() LANGUAGE plpgsql AS $$
DECLARE
  last bigint := -9223372036854775808;
  top bigint;
BEGIN
  LOOP
    WITH batch AS (
      SELECT id FROM bench_pgroll WHERE _pgroll_needs_backfill AND id > last
      ORDER BY id LIMIT 1000 FOR NO KEY UPDATE),
    touched AS (UPDATE bench_pgroll t SET id = t.id FROM batch WHERE t.id = batch.id
      RETURNING t.id)
    SELECT max(id) INTO top FROM touched;
    EXIT WHEN top IS NULL;
    last := top;
    COMMIT;
  END LOOP;
  COMMIT;
END $$;
SQL
t0="$(now)"
sql -c "CALL bench_pgroll_backfill()"
t1="$(now)"
pgroll_s="$(elapsed "$t0" "$t1")"
[[ "$(sql -c "SELECT count(*) FROM bench_pgroll WHERE new IS DISTINCT FROM old")" == 0 ]] ||
  die "the pgroll run left differing rows"
sql -c "CHECKPOINT"

# (c) orchestrate
read -r orc_s orc_rss < <(orchestrate_backfill bench_orc)
sql -c "CHECKPOINT"

# Peak RSS at 1M (and 10M) rows.
sql -c "DROP TABLE bench_single, bench_pgroll"
load bench_rss1m 1000000
read -r rss1m_s rss1m < <(orchestrate_backfill bench_rss1m)
rss10m="-"
if ((WITH_10M)); then
  sql -c "DROP TABLE bench_rss1m"
  load bench_rss10m 10000000
  read -r _ rss10m < <(orchestrate_backfill bench_rss10m)
fi

# The dual-write trigger's cost: pgbench updates of pgbench_accounts.abalance, after expand
# (the new column exists, no trigger yet) and after dual-write (the trigger copies it).
sql -c "CREATE DATABASE bench_pgbench"
pgbench -q -i -s 10 bench_pgbench >/dev/null 2>&1
cat >"$WORK/update.sql" <<'PGB'
\set aid random(1, 100000 * :scale)
UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = :aid;
PGB
cat >"$WORK/pgbench.yaml" <<'YAML'
name: bench-pgbench
changes:
  - rename_column: {table: pgbench_accounts, from: abalance, to: balance}
YAML
tps() {
  pgbench -n -T "${PGBENCH_SECONDS:-15}" -c 2 -j 2 -f "$WORK/update.sql" bench_pgbench 2>/dev/null |
    awk '/^tps/ { print int($3) }' | head -n 1
}
PGDB=(--db "host=$PGHOST port=$PGPORT user=postgres dbname=bench_pgbench")
"$ORC" "${PGDB[@]}" start "$WORK/pgbench.yaml" >/dev/null 2>&1
"$ORC" "${PGDB[@]}" next >/dev/null 2>&1
sql -d bench_pgbench -c "VACUUM ANALYZE pgbench_accounts" -c "CHECKPOINT"
tps_plain="$(tps)"
"$ORC" "${PGDB[@]}" next >/dev/null 2>&1
sql -d bench_pgbench -c "VACUUM ANALYZE pgbench_accounts" -c "CHECKPOINT"
tps_trigger="$(tps)"

single_r="$(rate "$ROWS" "$single_s")"
pgroll_r="$(rate "$ROWS" "$pgroll_s")"
orc_r="$(rate "$ROWS" "$orc_s")"
cat <<REPORT

backfill of $ROWS rows ($(nproc) cores, orchestrate at default settings)
  method                         seconds      rows/s
  (a) single UPDATE            $(printf '%9s %11s' "$single_s" "$single_r")
  (b) pgroll's algorithm       $(printf '%9s %11s' "$pgroll_s" "$pgroll_r")
  (c) orchestrate backfill     $(printf '%9s %11s' "$(printf '%.2f' "$orc_s")" "$orc_r")
  orchestrate vs single UPDATE:  $(ratio "$orc_r" "$single_r")x   (target >= 1.0x)
  orchestrate vs pgroll:         $(ratio "$orc_r" "$pgroll_r")x   (target >= 2.0x)
peak RSS of orchestrate: ${orc_rss} kB at $ROWS rows, ${rss1m} kB at 1M rows, ${rss10m} kB at 10M rows (target < 51200 kB)
dual-write trigger: pgbench UPDATE ${tps_plain} tps without, ${tps_trigger} tps with: cost $(awk -v a="$tps_plain" -v b="$tps_trigger" 'BEGIN { printf "%.1f", (a > 0 ? 100 * (a - b) / a : 0) }')% (target <= 15%)
REPORT
