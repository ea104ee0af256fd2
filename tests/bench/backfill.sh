#!/usr/bin/env bash
# Backfill benchmark, run by hand (not part of the test suite):
#
#   tests/bench/backfill.sh [ROWS] [--with-10m] [--skip-no-copy]
#
# Starts its own throwaway PostgreSQL (fsync and full_page_writes off, as scripts/lib.sh
# starts it: WAL figures hold no full-page images) and prints:
#
# 1. users: a table as an application has it (bigserial key, name, email, phone_number,
#    created_at; no index on phone_number), ROWS rows (default 2,000,000), phone_number renamed
#    to phone three ways on three identical copies:
#      (a) one locking `ALTER TABLE ADD COLUMN phone; UPDATE users SET phone = phone_number`,
#      (b) pgroll's algorithm: a marker column defaulting true, an up trigger that sets it
#          false and copies the value, batches of 1000 keys chosen with
#          `WHERE marker AND id > last ORDER BY id LIMIT 1000 FOR NO KEY UPDATE`, touched with
#          `UPDATE ... SET id = id`, one transaction per batch,
#      (c) orchestrate: the whole `orchestrate next` from dual-write into the backfill, as an
#          operator waits for it (the copy, the indexes built after it, the gate's parity scan),
#    each with its WAL bytes and the table's size afterwards; then the same copy written by
#    hand in two sessions (batches of 20,000 keys), on a table without triggers and on one with
#    a quiet BEFORE UPDATE trigger: what two sessions can do at all on this machine.
# 2. narrow: the same three ways on a narrow table (id, name, old, created_at), the backfill
#    alone for orchestrate (from its own events), as earlier versions of this benchmark did.
# 3. The peak RSS of orchestrate's `next` into the backfill at 1M rows (and 10M with
#    --with-10m).
# 4. Indexes after the copy: a table with two secondary indexes on the renamed column,
#    orchestrate as it runs (twins built once after the copy) against the same plan with the
#    twins built before the copy (as earlier versions did), so every copied row updates them.
# 5. A rename that copies nothing (`copy: false`) on NO_COPY_ROWS rows (default 10,000,000):
#    the time of each `next`, the rows updated (pg_stat_user_tables.n_tup_upd), whether the
#    table's relfilenode changed, and the table's heap WAL (pg_walinspect records that touch
#    the table's relfilenode).
# 6. The dual-write trigger's cost as pgbench UPDATE TPS without and with the trigger (three
#    rounds each way, in turn, on the same table; medians compared), and in one bulk UPDATE of
#    200,000 rows (five times each way, timed).
# 7. On users: the backfill and transition gates (`orchestrate verify`, the whole command)
#    against a plain scan of the predicate they check.
# BUILD_DIR picks the build to use (default build/; built when missing).
set -euo pipefail

ROWS=2000000
WITH_10M=0
NO_COPY=1
for arg in "$@"; do
  case "$arg" in
    --with-10m) WITH_10M=1 ;;
    --skip-no-copy) NO_COPY=0 ;;
    *) ROWS="$arg" ;;
  esac
done
NO_COPY_ROWS="${NO_COPY_ROWS:-10000000}"

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

sql() { PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning" psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
lsn() { sql -c "SELECT pg_current_wal_lsn()"; }
wal_since() { sql -c "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '$1')::bigint"; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1048576 }'; }
table_size() { sql -c "SELECT pg_total_relation_size('$1')"; }

load_users() { # load_users TABLE ROWS [INDEXED]: INDEXED adds two indexes on phone_number
  sql <<SQL
CREATE TABLE $1 (id bigserial PRIMARY KEY, name text NOT NULL, email text NOT NULL,
                 phone_number text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO $1 (name, email, phone_number, created_at)
  SELECT 'user ' || i, 'user' || i || '@example.com', '+1-555-' || lpad(i::text, 9, '0'),
         now() - i * interval '1 second'
  FROM generate_series(1, $2) i;
SQL
  if [[ -n "${3:-}" ]]; then
    sql -c "CREATE INDEX ${1}_phone_number_idx ON $1 (phone_number)" \
      -c "CREATE INDEX ${1}_phone_number_created_idx ON $1 (phone_number, created_at)"
  fi
  sql -c "VACUUM ANALYZE $1"
}

load_narrow() { # load_narrow TABLE ROWS
  sql <<SQL
CREATE TABLE $1 (id bigint PRIMARY KEY, name text NOT NULL, phone_number text NOT NULL,
                 created_at timestamptz NOT NULL DEFAULT now());
INSERT INTO $1 (id, name, phone_number)
  SELECT i, 'user ' || i, '+1-555-' || lpad(i::text, 9, '0') FROM generate_series(1, $2) i;
VACUUM ANALYZE $1;
SQL
}

rename_plan() { # rename_plan TABLE [EXTRA] -> path of a plan renaming phone_number to phone
  cat >"$WORK/$1.yaml" <<YAML
name: bench-$1
changes:
  - rename_column: {table: $1, from: phone_number, to: phone${2:-}}
YAML
  printf '%s\n' "$WORK/$1.yaml"
}

orc() { # orc TABLE ARGS...: orchestrate on TABLE's plan, its output kept on failure
  local table="$1"
  shift
  "$ORC" "$@" >"$WORK/$table.out" 2>&1 || { cat "$WORK/$table.out" >&2; die "orchestrate $* failed"; }
}

# After each timed method, untimed: its table's dead row versions vacuumed away, so that an
# autovacuum of one method's table cannot run on one of the two cores while the next method is
# being timed. Called by the caller once the method's figures are read (a method read through
# `< <(...)` would otherwise still be vacuuming while the next one runs).
settle() { sql -c "VACUUM $1"; }

single_update() { # single_update TABLE: prints "seconds wal_bytes size_bytes"
  local t0 t1 l
  sql -c "CHECKPOINT"
  l="$(lsn)"
  t0="$(now)"
  sql -c "ALTER TABLE $1 ADD COLUMN phone text" -c "UPDATE $1 SET phone = phone_number"
  t1="$(now)"
  printf '%s %s %s\n' "$(elapsed "$t0" "$t1")" "$(wal_since "$l")" "$(table_size "$1")"
}

pgroll() { # pgroll TABLE: prints "seconds wal_bytes size_bytes"
  # The batches are driven by a procedure that commits after each one (no client round
  # trips: if anything this flatters it).
  sql <<SQL
ALTER TABLE $1 ADD COLUMN phone text;
ALTER TABLE $1 ADD COLUMN _pgroll_needs_backfill boolean DEFAULT true;
CREATE FUNCTION ${1}_up() RETURNS trigger LANGUAGE plpgsql AS \$\$
BEGIN
  NEW.phone := NEW.phone_number;
  NEW._pgroll_needs_backfill := false;
  RETURN NEW;
END \$\$;
CREATE TRIGGER ${1}_up BEFORE INSERT OR UPDATE ON $1
  FOR EACH ROW EXECUTE FUNCTION ${1}_up();
CREATE PROCEDURE ${1}_backfill() LANGUAGE plpgsql AS \$\$
DECLARE
  last bigint := -9223372036854775808;
  top bigint;
BEGIN
  LOOP
    WITH batch AS (
      SELECT id FROM $1 WHERE _pgroll_needs_backfill AND id > last
      ORDER BY id LIMIT 1000 FOR NO KEY UPDATE),
    touched AS (UPDATE $1 t SET id = t.id FROM batch WHERE t.id = batch.id
      RETURNING t.id)
    SELECT max(id) INTO top FROM touched;
    EXIT WHEN top IS NULL;
    last := top;
    COMMIT;
  END LOOP;
  COMMIT;
END \$\$;
SQL
  local t0 t1 l
  sql -c "CHECKPOINT"
  l="$(lsn)"
  t0="$(now)"
  sql -c "CALL ${1}_backfill()"
  t1="$(now)"
  [[ "$(sql -c "SELECT count(*) FROM $1 WHERE phone IS DISTINCT FROM phone_number")" == 0 ]] ||
    die "the pgroll run left differing rows in $1"
  printf '%s %s %s\n' "$(elapsed "$t0" "$t1")" "$(wal_since "$l")" "$(table_size "$1")"
}

# Runs start, expand and dual-write, then `next` into the backfill under /usr/bin/time.
# Prints "whole_seconds backfill_seconds wal_bytes size_bytes rss_kb". BEFORE_COPY, when set,
# is SQL run (and timed into the whole) between dual-write and the backfill.
orchestrate_backfill() { # orchestrate_backfill TABLE
  local plan t0 t1 l extra=0
  plan="$(rename_plan "$1")"
  orc "$1" start "$plan"
  orc "$1" next "bench-$1"
  orc "$1" next "bench-$1"
  sql -c "CHECKPOINT"
  l="$(lsn)"
  if [[ -n "${BEFORE_COPY:-}" ]]; then
    t0="$(now)"
    sql -c "$BEFORE_COPY"
    t1="$(now)"
    extra="$(elapsed "$t0" "$t1")"
  fi
  t0="$(now)"
  /usr/bin/time -v -o "$WORK/$1.time" "$ORC" next "bench-$1" >"$WORK/$1.out" 2>&1 ||
    { cat "$WORK/$1.out" >&2; die "orchestrate next failed on $1"; }
  t1="$(now)"
  local whole copy rss
  whole="$(awk -v a="$(elapsed "$t0" "$t1")" -v b="$extra" 'BEGIN { printf "%.2f", a + b }')"
  copy="$(sql -c "SELECT round(extract(epoch FROM max(at) FILTER (WHERE outcome = 'backfill_done')
                  - max(at) FILTER (WHERE outcome = 'backfill_started'))::numeric, 2)
                  FROM orchestrate.events WHERE plan = 'bench-$1'")"
  rss="$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/$1.time")"
  [[ "$(sql -c "SELECT count(*) FROM $1 WHERE phone IS DISTINCT FROM phone_number")" == 0 ]] ||
    die "orchestrate left differing rows in $1"
  printf '%s %s %s %s %s\n' "$whole" "$copy" "$(wal_since "$l")" "$(table_size "$1")" "$rss"
}

row() { # row LABEL SECONDS WAL SIZE
  printf '  %-34s %9s s %12s %14s\n' "$1" "$2" "$(mb "$3")" "$(mb "$4")"
}

compare() { # compare KIND ROWS: KIND users or narrow
  local kind="$1" rows="$2"
  log "$kind: loading three tables of $rows rows"
  for t in "${kind}_single" "${kind}_pgroll" "${kind}_orc"; do
    "load_$kind" "$t" "$rows"
  done
  read -r single_s single_wal single_size < <(single_update "${kind}_single")
  settle "${kind}_single"
  read -r pgroll_s pgroll_wal pgroll_size < <(pgroll "${kind}_pgroll")
  settle "${kind}_pgroll"
  read -r orc_whole orc_copy orc_wal orc_size orc_rss < <(orchestrate_backfill "${kind}_orc")
  settle "${kind}_orc"
  local orc_s="$orc_whole" what="whole next"
  if [[ "$kind" == narrow ]]; then
    orc_s="$orc_copy"
    what="copy alone"
  fi
  cat <<REPORT

$kind: phone_number renamed on $rows rows ($(nproc) cores, orchestrate at default settings)
  method                                  time          WAL     table after
$(row "(a) single UPDATE" "$single_s" "$single_wal" "$single_size")
$(row "(b) pgroll's algorithm" "$pgroll_s" "$pgroll_wal" "$pgroll_size")
$(row "(c) orchestrate, $what" "$orc_s" "$orc_wal" "$orc_size")
  (orchestrate: whole next ${orc_whole} s, of which the copy ${orc_copy} s; peak RSS ${orc_rss} kB)
  orchestrate vs single UPDATE: $(ratio "$single_s" "$orc_s")x   vs pgroll: $(ratio "$pgroll_s" "$orc_s")x
  WAL per row: single UPDATE $(ratio "$single_wal" "$rows") B, pgroll $(ratio "$pgroll_wal" "$rows") B, orchestrate $(ratio "$orc_wal" "$rows") B
REPORT
  if [[ "$kind" == users ]]; then
    gates "${kind}_orc"
  fi
  sql -c "DROP TABLE ${kind}_single, ${kind}_pgroll, ${kind}_orc CASCADE"
}

timed() { # timed COMMAND...: prints the seconds the command took
  local t0 t1
  t0="$(now)"
  "$@" >/dev/null
  t1="$(now)"
  elapsed "$t0" "$t1"
}

gates() { # gates TABLE: the backfill and transition gates (`verify`) against a plain scan
  local plain backfill_gate transition_gate
  plain="$(timed sql -c "SELECT count(*) FROM $1 WHERE phone IS DISTINCT FROM phone_number")"
  backfill_gate="$(timed orc "$1" verify "bench-$1")"
  orc "$1" next "bench-$1"
  transition_gate="$(timed orc "$1" verify "bench-$1")"
  cat <<REPORT
  gates (\`orchestrate verify\`, whole command) against a plain scan of the predicate
  (SELECT count(*) ... WHERE phone IS DISTINCT FROM phone_number, ${plain} s):
    backfill gate ${backfill_gate} s ($(ratio "$backfill_gate" "$plain")x), transition gate ${transition_gate} s ($(ratio "$transition_gate" "$plain")x)
REPORT
}

# What two sessions can do at all: the same copy written by hand, batches of 20,000 keys
# committed one by one, two sessions each taking half the keys (what orchestrate's two default
# workers do), on a table without triggers and on one with a BEFORE UPDATE trigger that stays
# quiet (session_replication_role = replica, as orchestrate's copy runs). PostgreSQL locks each
# row before it calls a BEFORE UPDATE trigger, fired or not, so the second is the bound for any
# copy that runs while the dual-write trigger exists.
by_hand() { # by_hand TABLE ROWS ROLE: prints the seconds of two sessions' batches
  sql <<SQL
CREATE PROCEDURE ${1}_copy(lo bigint, hi bigint) LANGUAGE plpgsql AS \$\$
DECLARE a bigint := lo;
BEGIN
  WHILE a < hi LOOP
    PERFORM set_config('session_replication_role', '$3', true);
    UPDATE $1 SET phone = phone_number
      WHERE id > a AND id <= least(a + 20000, hi) AND phone IS DISTINCT FROM phone_number;
    a := a + 20000;
    COMMIT;
  END LOOP;
END \$\$;
SQL
  local t0 t1
  sql -c "CHECKPOINT"
  t0="$(now)"
  sql -c "CALL ${1}_copy(0, $(($2 / 2)))" &
  sql -c "CALL ${1}_copy($(($2 / 2)), $2)"
  wait
  t1="$(now)"
  elapsed "$t0" "$t1"
  settle "$1"
}

ceiling() { # ceiling ROWS
  log "two sessions by hand: loading two tables of $1 rows"
  load_users bound_plain "$1"
  load_users bound_trigger "$1"
  sql -c "ALTER TABLE bound_plain ADD COLUMN phone text" \
      -c "ALTER TABLE bound_trigger ADD COLUMN phone text" \
      -c "CREATE FUNCTION bound_sync() RETURNS trigger LANGUAGE plpgsql AS
            'BEGIN NEW.phone := NEW.phone_number; RETURN NEW; END'" \
      -c "CREATE TRIGGER bound_sync BEFORE INSERT OR UPDATE ON bound_trigger FOR EACH ROW
            EXECUTE FUNCTION bound_sync()"
  local plain trigger
  plain="$(by_hand bound_plain "$1" origin)"
  trigger="$(by_hand bound_trigger "$1" replica)"
  cat <<REPORT

the same copy by hand in two sessions (batches of 20,000 keys), $1 rows, against (a) above:
  no trigger on the table          ${plain} s ($(ratio "$single_s" "$plain")x the single UPDATE)
  a quiet BEFORE UPDATE trigger    ${trigger} s ($(ratio "$single_s" "$trigger")x the single UPDATE)
  orchestrate's copy alone         ${orc_copy} s ($(ratio "$single_s" "$orc_copy")x the single UPDATE)
REPORT
  sql -c "DROP TABLE bound_plain, bound_trigger" -c "DROP FUNCTION bound_sync()"
}

compare users "$ROWS"
ceiling "$ROWS"
compare narrow "$ROWS"

# Versions schemas' views depend on the tables, hence CASCADE when they are dropped.

# Peak RSS at 1M (and 10M) rows.
load_users rss1m 1000000
read -r _ _ _ _ rss1m < <(orchestrate_backfill rss1m)
sql -c "DROP TABLE rss1m CASCADE"
rss10m="-"
if ((WITH_10M)); then
  load_users rss10m 10000000
  read -r _ _ _ _ rss10m < <(orchestrate_backfill rss10m)
  sql -c "DROP TABLE rss10m CASCADE"
fi
printf '\npeak RSS of orchestrate next into the backfill: %s kB at 1M rows, %s kB at 10M rows\n' \
  "$rss1m" "$rss10m"

# Indexes after the copy: the same plan, its two twins built after the copy (as it runs) or
# before it, by hand under the names it gives them, which its after-copy step then finds valid.
log "indexes: loading two tables of $ROWS rows with two indexes on phone_number"
load_users idx_after "$ROWS" indexed
load_users idx_before "$ROWS" indexed
read -r after_s after_copy after_wal after_size _ < <(orchestrate_backfill idx_after)
settle idx_after
read -r before_s before_copy before_wal before_size _ < <(
  BEFORE_COPY="CREATE INDEX idx_before_phone_idx ON idx_before (phone);
               CREATE INDEX idx_before_phone_created_idx ON idx_before (phone, created_at)" \
    orchestrate_backfill idx_before)
cat <<REPORT

two secondary indexes on phone_number, $ROWS rows: expand..backfill work from dual-write's end
  twins                                   time          WAL     table after
$(row "built after the copy (now)" "$after_s" "$after_wal" "$after_size")
$(row "built before the copy" "$before_s" "$before_wal" "$before_size")
  (copy alone: ${after_copy} s against ${before_copy} s) after/before: $(ratio "$before_s" "$after_s")x faster
REPORT
sql -c "DROP TABLE idx_after, idx_before CASCADE"

# A rename that copies nothing.
if ((NO_COPY)); then
  log "no copy: loading $NO_COPY_ROWS rows"
  load_users nocopy "$NO_COPY_ROWS"
  sql -c "CREATE EXTENSION IF NOT EXISTS pg_walinspect"
  plan="$(rename_plan nocopy ", copy: false")"
  node="$(sql -c "SELECT relfilenode FROM pg_class WHERE relname = 'nocopy'")"
  upd0="$(sql -c "SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'nocopy'")"
  sql -c "CHECKPOINT"
  l="$(lsn)"
  orc nocopy start "$plan"
  times=""
  for phase in expand dual_write backfill transition contract; do
    t0="$(now)"
    orc nocopy next bench-nocopy
    t1="$(now)"
    times+="$phase $(elapsed "$t0" "$t1") s, "
  done
  # pg_walinspect reads only WAL flushed already.
  end="$(sql -c "CHECKPOINT" -c "SELECT pg_current_wal_flush_lsn()")"
  sql -c "SELECT pg_stat_force_next_flush()" >/dev/null
  upd1="$(sql -c "SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'nocopy'")"
  node1="$(sql -c "SELECT relfilenode FROM pg_class WHERE relname = 'nocopy'")"
  heap_wal="$(sql -c "SELECT coalesce(sum(record_length), 0) FROM pg_get_wal_records_info('$l', '$end')
                       WHERE resource_manager IN ('Heap', 'Heap2')
                         AND block_ref ~ ('/$node (fork|blk)')")"
  cat <<REPORT

rename with copy: false on $NO_COPY_ROWS rows
  each next: ${times%, }
  rows updated: $((upd1 - upd0)); relfilenode $node before, $node1 after; heap WAL of the table: $heap_wal bytes (all WAL: $(mb "$(wal_since "$l")"))
REPORT
  sql -c "DROP TABLE nocopy CASCADE"
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
"$ORC" "${PGDB[@]}" next >/dev/null 2>&1
# With the dual-write trigger in place, rounds of pgbench with the table's triggers disabled and
# enabled in turn, so both see the same table as it ages; the medians are compared.
plain=()
trigger=()
for round in 1 2 3; do
  sql -d bench_pgbench -c "ALTER TABLE pgbench_accounts DISABLE TRIGGER USER" -c "CHECKPOINT"
  plain+=("$(tps)")
  sql -d bench_pgbench -c "ALTER TABLE pgbench_accounts ENABLE TRIGGER USER" -c "CHECKPOINT"
  trigger+=("$(tps)")
done
median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
tps_plain="$(median "${plain[@]}")"
tps_trigger="$(median "${trigger[@]}")"
printf '\ndual-write trigger: pgbench UPDATE (2 clients, %s s a round), three rounds each way in turn:\n' \
  "${PGBENCH_SECONDS:-15}"
printf '  without: %s tps; with: %s tps; medians %s and %s: cost %s%%\n' \
  "${plain[*]}" "${trigger[*]}" "$tps_plain" "$tps_trigger" \
  "$(awk -v a="$tps_plain" -v b="$tps_trigger" 'BEGIN { printf "%.1f", (a > 0 ? 100 * (a - b) / a : 0) }')"

# The same trigger in one bulk statement, free of pgbench's round trips and scheduling noise:
# 200,000 rows updated by one UPDATE, five times each way in turn (vacuumed before each).
bulk() {
  sql -d bench_pgbench -c "VACUUM pgbench_accounts" -c "CHECKPOINT"
  timed sql -d bench_pgbench -c "UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid <= 200000"
}
plain=()
trigger=()
for round in 1 2 3 4 5; do
  sql -d bench_pgbench -c "ALTER TABLE pgbench_accounts DISABLE TRIGGER USER"
  plain+=("$(bulk)")
  sql -d bench_pgbench -c "ALTER TABLE pgbench_accounts ENABLE TRIGGER USER"
  trigger+=("$(bulk)")
done
bulk_plain="$(median "${plain[@]}")"
bulk_trigger="$(median "${trigger[@]}")"
printf '  one UPDATE of 200,000 rows, without: %s s; with: %s s; medians %s and %s s: cost %s%% (%s us a row)\n' \
  "${plain[*]}" "${trigger[*]}" "$bulk_plain" "$bulk_trigger" \
  "$(awk -v a="$bulk_plain" -v b="$bulk_trigger" 'BEGIN { printf "%.1f", (a > 0 ? 100 * (b - a) / b : 0) }')" \
  "$(awk -v a="$bulk_plain" -v b="$bulk_trigger" 'BEGIN { printf "%.2f", (b - a) * 1e6 / 200000 }')"
