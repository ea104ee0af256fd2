#include "backfill/engine.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cmath>
#include <csignal>
#include <ctime>
#include <deque>
#include <map>
#include <random>
#include <set>
#include <type_traits>

#include <unistd.h>

#include "backfill/batch_sql.hpp"
#include "backfill/loop_signals.hpp"
#include "backfill/health.hpp"
#include "backfill/pacing.hpp"
#include "backfill/pg_async.hpp"
#include "backfill/ranges.hpp"
#include "db/privileges.hpp"
#include "core/errors.hpp"
#include "core/ident.hpp"
#include "db/blockers.hpp"
#include "db/connection.hpp"
#include "state/backfill_control.hpp"
#include "state/backfill_ranges.hpp"

namespace orchestrate {

namespace {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr auto k_tick = milliseconds(100);
constexpr auto k_state_every = milliseconds(250);
constexpr auto k_publish_every = milliseconds(1000);
constexpr int k_batch_attempts = 50;
constexpr int k_connect_attempts = 30;
// A hold shorter than a progress report's interval still shows in the next report.
constexpr auto k_hold_shown_for = milliseconds(1500);
constexpr auto k_throttle_event_every = std::chrono::seconds(30);

int local_minutes_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  return tm.tm_hour * 60 + tm.tm_min;
}

std::string host_name() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return host;
}

// What one attempt at a statement (or several) gave: its value, or the PgError it threw.
template <class T> struct Attempt {
  std::optional<T> value{};
  std::optional<PgError> error{};
};

// Runs `op`, catching the PgError it throws: a coroutine cannot co_await inside a catch block,
// so what to do about the error (retry after a pause, reconnect) comes after.
template <class T>
  requires(!std::is_void_v<T>)
awaitable<Attempt<T>> attempt(awaitable<T> op) {
  try {
    T value = co_await std::move(op);
    co_return Attempt<T>{.value = std::move(value)};
  } catch (const PgError& e) {
    co_return Attempt<T>{.error = e};
  }
}

awaitable<std::optional<PgError>> attempt(awaitable<void> op) {
  try {
    co_await std::move(op);
  } catch (const PgError& e) {
    co_return e;
  }
  co_return std::nullopt;
}

struct BatchResult {
  long long covered = 0;
  std::optional<KeyText> cursor;
  bool done = false;
};

class Engine {
public:
  Engine(const BackfillJob& job, Reporter& reporter)
      : m_job(job), m_reporter(reporter),
        m_ranges_table(backfill_ranges_table(job.state_schema)),
        m_pids(static_cast<std::size_t>(std::max(1, job.options.workers)), 0),
        m_batches(m_pids.size(), job.options.batch_size) {
    if (job.options.throttle && job.options.max_rows_per_second) {
      m_bucket.emplace(*job.options.max_rows_per_second * k_rate_share);
      m_rate_cap = std::max(1LL, static_cast<long long>(*job.options.max_rows_per_second *
                                                        k_rate_batch_share));
    }
  }

  // Prepares on blocking connections (the ranges, the totals, the pause flag: short queries),
  // then runs the workers and the monitor on the caller's executor until the last has ended.
  awaitable<BackfillOutcome> run() {
    auto conn = open_connection(m_job.url, "orchestrate backfill " + m_job.plan);
    auto pending = prepare_ranges(*conn, m_job.state_schema, m_job.plan, m_job.specs,
                                  m_job.options);
    m_queue.assign(pending.begin(), pending.end());
    m_quiet_triggers = may_set_replication_role(*conn);
    read_totals(*conn);
    m_started = clock::now();
    m_stop = early_stop(*conn);
    if (m_stop == StopReason::none && !m_queue.empty()) {
      auto executor = co_await asio::this_coro::executor;
      // SIGINT and SIGTERM wake the engine at once: every wait ends, the batches in flight
      // finish and are recorded, and no new one starts.
      std::optional<LoopSignals::Subscription> subscription;
      if (m_job.signals != nullptr) {
        subscription = m_job.signals->subscribe([this] { stop(StopReason::signal); });
      }
      m_active = static_cast<int>(m_pids.size());
      int running = m_active + 1;
      // Completes once every coroutine spawned here has ended; setting the expiry also wakes a
      // wait already pending.
      asio::steady_timer all_ended(executor, clock::time_point::max());
      const auto ended = [this, &running, &all_ended](std::exception_ptr e) {
        failed(e);
        if (--running == 0) {
          all_ended.expires_at(clock::time_point::min());
        }
      };
      for (std::size_t i = 0; i < m_pids.size(); ++i) {
        asio::co_spawn(executor, worker(i), ended);
      }
      asio::co_spawn(executor, monitor(), ended);
      while (running > 0) {
        boost::system::error_code ec;
        co_await all_ended.async_wait(asio::redirect_error(use_awaitable, ec));
      }
      if (subscription) {
        m_job.signals->unsubscribe(*subscription);
      }
    }
    publish_final(*conn);
    m_reporter.progress_done();
    if (m_failure) {
      std::rethrow_exception(m_failure);
    }
    BackfillOutcome out;
    out.rows_done = m_rows_run;
    out.rows_total = m_rows_before + m_rows_run;
    out.finished = m_stop == StopReason::none && m_queue.empty() && m_unfinished == 0;
    out.stopped_because =
        out.finished ? StopReason::none : (m_stop == StopReason::none ? StopReason::signal : m_stop);
    co_return out;
  }

private:
  void failed(std::exception_ptr e) {
    if (e && !m_failure) {
      m_failure = e;
      stop(StopReason::error);
    }
  }

  // Records the first reason to stop and ends every wait in sleep_unless_stopped at once.
  void stop(StopReason reason) {
    if (reason == StopReason::none || m_stop != StopReason::none) {
      return;
    }
    m_stop = reason;
    for (auto* timer : m_sleepers) {
      timer->cancel();
    }
  }

  // A reason found on this side (the window closed, the command's stop flag): stop for it.
  void check_local_stop() { stop(local_stop()); }

  void read_totals(pqxx::connection& conn) {
    pqxx::work tx(conn);
    const BackfillTotals totals = begin_backfill_run(tx, m_job.state_schema, m_job.plan,
                                                     host_name());
    tx.commit();
    m_rows_before = totals.rows_done;
    m_rows_estimated = totals.rows_estimated;
  }

  // Reasons to stop before any worker starts: a signal, a closed window, the pause flag.
  StopReason early_stop(pqxx::connection& conn) {
    if (const StopReason reason = local_stop(); reason != StopReason::none) {
      return reason;
    }
    pqxx::read_transaction tx(conn);
    return backfill_paused(tx, m_job.state_schema, m_job.plan) ? StopReason::paused
                                                                : StopReason::none;
  }

  StopReason local_stop() const {
    if (m_job.stop != nullptr && m_job.stop->load()) {
      return StopReason::signal;
    }
    if (m_job.options.throttle && m_job.options.window &&
        !inside_window(*m_job.options.window, local_minutes_now())) {
      return StopReason::window;
    }
    return StopReason::none;
  }

  awaitable<std::unique_ptr<AsyncConnection>> connect_once(std::string role) {
    const std::string name = "orchestrate backfill " + role + " " + m_job.plan;
    auto conn = co_await AsyncConnection::connect(m_job.url, name);
    const std::string set = "SET lock_timeout = '" + format_ms(m_job.exec.lock_timeout) + "'";
    co_await conn->query(set);
    co_return conn;
  }

  awaitable<std::unique_ptr<AsyncConnection>> connect(const std::string& role) {
    for (int tries = 1;; ++tries) {
      auto r = co_await attempt(connect_once(role));
      if (r.value) {
        co_return std::move(*r.value);
      }
      if (tries >= k_connect_attempts || m_stop != StopReason::none) {
        throw StepError("backfill.connect", r.error->sqlstate(), r.error->what());
      }
      co_await sleep_unless_stopped(milliseconds(std::min(2000, 100 * tries)));
    }
  }

  awaitable<void> worker(std::size_t index) {
    struct Leaving {
      Engine& e;
      std::size_t i;
      ~Leaving() {
        e.m_pids[i] = 0;
        if (--e.m_active == 0 && e.m_monitor_tick != nullptr) {
          e.m_monitor_tick->cancel(); // the monitor's last round, at once
        }
      }
    } leaving{*this, index};
    const std::string role = "worker " + std::to_string(index);
    auto conn = co_await connect(role);
    m_pids[index] = conn->backend_pid();
    while (m_stop == StopReason::none && !m_queue.empty()) {
      KeyRange range = std::move(m_queue.front());
      m_queue.pop_front();
      ++m_unfinished;
      const bool done = co_await walk(conn, index, range);
      if (done) {
        --m_unfinished;
      }
    }
  }

  // Batches along one range until it is done (true) or the engine stops (false).
  awaitable<bool> walk(std::unique_ptr<AsyncConnection>& conn, std::size_t index, KeyRange& range) {
    long long& batch = m_batches[index];
    bool shrunk_for_hold = false;
    for (;;) {
      check_local_stop();
      while (m_stop == StopReason::none && !m_hold.empty()) {
        // Replica lag or sessions waiting behind a batch: wait, and come back smaller.
        if (!shrunk_for_hold && m_hold == "lock_waiters") {
          batch = std::max(m_job.options.min_batch, batch / 2);
          shrunk_for_hold = true;
        }
        co_await sleep_unless_stopped(k_tick);
      }
      shrunk_for_hold = false;
      if (m_stop != StopReason::none) {
        co_return false;
      }
      long long size = batch;
      if (m_bucket) {
        size = std::min(size, m_rate_cap);
        const auto start = m_bucket->reserve(size, clock::now());
        if (start > clock::now()) {
          // The end of the wait: the gauge stays "throttled" through waits longer than a
          // progress report's interval, not just for their first second.
          m_rate_waited = start;
          co_await sleep_unless_stopped(start - clock::now());
        }
      }
      const auto started = clock::now();
      const BatchResult r = co_await batch_with_retries(conn, index, range, size);
      const double took = std::chrono::duration<double, std::milli>(clock::now() - started).count();
      m_last_batch_ms = took;
      if (m_bucket) {
        m_bucket->refund(size - std::min(size, r.covered), clock::now());
      }
      m_rows_run += r.covered;
      range.rows_done += r.covered;
      range.cursor = r.cursor;
      batch = next_batch_size(size, took, m_job.options.target_batch_ms, m_job.options.min_batch,
                              m_job.options.max_batch);
      if (r.done) {
        co_return true;
      }
    }
  }

  awaitable<BatchResult> batch_with_retries(std::unique_ptr<AsyncConnection>& conn,
                                            std::size_t index,
                                            KeyRange& range,
                                            long long size) {
    const auto& spec = m_job.specs[range.spec];
    std::mt19937 jitter(static_cast<unsigned>(index * 7919 + range.range_no));
    for (int tries = 1;; ++tries) {
      auto r = co_await attempt(connect_and_batch(conn, index, range, size));
      if (r.value) {
        co_return *r.value;
      }
      const std::optional<PgError>& error = r.error;
      if (error->connection_lost()) {
        // The batch may or may not have committed; the cursor in the state schema says
        // which, and re-running a committed batch would touch no row anyway.
        conn.reset();
        m_pids[index] = 0;
        m_reporter.warn(fmt::format("backfill {}: connection lost ({}); reconnecting", spec.id,
                                    error->what()));
      } else if (!is_retryable_sqlstate(error->sqlstate())) {
        throw StepError("backfill." + spec.id, error->sqlstate(), error->what());
      } else if (tries <= 2 || tries % 10 == 0) {
        // The second attempt's warning can name the blocker the monitor sampled meanwhile.
        m_reporter.warn(fmt::format("backfill {}: batch retried after [{}]{}", spec.id,
                                    error->sqlstate(), recent_blockers()));
      }
      check_local_stop();
      if (m_stop != StopReason::none) {
        // Stopping waits for no more lock timeouts: nothing of this batch was committed.
        co_return BatchResult{.covered = 0, .cursor = range.cursor, .done = false};
      }
      if (tries >= k_batch_attempts) {
        throw StepError("backfill." + spec.id, error->sqlstate(), error->what());
      }
      ++m_retries;
      size = std::max(m_job.options.min_batch, size / 2);
      const int base = std::min(2000, 50 << std::min(tries, 6));
      co_await sleep_unless_stopped(
          milliseconds(base / 2 + static_cast<int>(jitter() % (base / 2 + 1))));
    }
  }

  // One batch on the worker's connection, opened again first (and the range's cursor read
  // back) when it was lost.
  awaitable<BatchResult> connect_and_batch(std::unique_ptr<AsyncConnection>& conn,
                                           std::size_t index,
                                           KeyRange& range,
                                           long long size) {
    if (!conn) {
      const std::string role = "worker " + std::to_string(index);
      conn = co_await connect(role);
      m_pids[index] = conn->backend_pid();
      co_await reread_cursor(*conn, range);
    }
    co_return co_await batch(*conn, range, size);
  }

  // Sleeps for `d`, ending at once when the engine stops meanwhile (stop() cancels the timer).
  awaitable<void> sleep_unless_stopped(clock::duration d) {
    check_local_stop();
    if (m_stop != StopReason::none) {
      co_return;
    }
    asio::steady_timer timer(co_await asio::this_coro::executor, d);
    m_sleepers.insert(&timer);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
    m_sleepers.erase(&timer);
  }

  // "; blocked by pid ... (application ..., idle in transaction for 12 s): <query>", as the
  // monitor last saw whoever holds the rows a batch waits for; "" when it saw nobody lately.
  std::string recent_blockers() const {
    if (m_row_blockers.empty() || clock::now() - m_row_blockers_at > std::chrono::seconds(5)) {
      return "";
    }
    return "; blocked by " + m_row_blockers;
  }

  awaitable<void> reread_cursor(AsyncConnection& conn, KeyRange& range) {
    // (Statement and parameters are named locals: GCC 12 miscompiles some temporaries that
    // live across a co_await.)
    const std::string sql = range_cursor_sql(m_job.state_schema);
    PgParams params{m_job.plan, m_job.specs[range.spec].id, std::to_string(range.range_no)};
    auto r = co_await conn.query(sql, params);
    range.cursor.reset();
    if (r.rows() > 0 && !r.is_null(0, 0)) {
      range.cursor = nlohmann::json::parse(r.text(0, 0)).get<KeyText>();
    }
  }

  awaitable<BatchResult> batch(AsyncConnection& conn, const KeyRange& range, long long size) {
    const auto& spec = m_job.specs[range.spec];
    const RangeRow row{.table = m_ranges_table,
                       .plan = m_job.plan,
                       .backfill_id = spec.id,
                       .range_no = range.range_no};
    const auto& from = range.cursor ? range.cursor : range.lo;
    BatchResult out;
    if (spec.integer_key && from && range.hi) {
      const long long lo = std::stoll(from->at(0));
      const long long hi = std::stoll(range.hi->at(0));
      const long long to = lo >= hi - size ? hi : lo + size;
      auto st = integer_batch(spec, row, lo, to, to >= hi, m_quiet_triggers);
      auto r = co_await conn.query(st.sql, st.params);
      out.covered = r.number(0, 0);
      out.cursor = KeyText{std::to_string(to)};
      out.done = to >= hi;
      co_return out;
    }
    auto st = keyset_batch(spec, row, from, range.hi, size, m_quiet_triggers);
    auto r = co_await conn.query(st.sql, st.params);
    out.covered = r.number(0, 0);
    out.cursor = r.is_null(0, 1) ? from : nlohmann::json::parse(r.text(0, 1)).get<KeyText>();
    out.done = out.covered < size;
    co_return out;
  }

  // Watches what the workers cannot see themselves: the pause flag, the server's health
  // (standbys' lag, the WAL rate, old transactions, sessions blocked behind a batch); and
  // publishes progress. Ends when the last worker has.
  awaitable<void> monitor() {
    std::unique_ptr<AsyncConnection> conn;
    auto last_state = clock::time_point{};
    auto last_publish = clock::now();
    asio::steady_timer tick(co_await asio::this_coro::executor);
    m_monitor_tick = &tick;
    while (m_active > 0) {
      tick.expires_after(k_tick);
      boost::system::error_code ec;
      co_await tick.async_wait(asio::redirect_error(use_awaitable, ec));
      check_local_stop();
      const auto now = clock::now();
      if (co_await attempt(monitor_tick(conn, now, last_state, last_publish))) {
        // The monitor's own connection: reconnect on the next tick. Workers keep going.
        conn.reset();
      }
    }
    m_monitor_tick = nullptr;
  }

  awaitable<void> monitor_tick(std::unique_ptr<AsyncConnection>& conn,
                               clock::time_point now,
                               clock::time_point& last_state,
                               clock::time_point& last_publish) {
    if (!conn) {
      const std::string role = "monitor";
      conn = co_await connect(role);
    }
    if (now - last_state >= k_state_every && m_stop == StopReason::none) {
      last_state = now;
      co_await check_state(*conn);
    }
    if (now - last_publish >= k_publish_every) {
      last_publish = now;
      co_await publish(*conn);
    }
  }

  awaitable<void> check_state(AsyncConnection& conn) {
    std::string pids = "{";
    for (int pid : m_pids) {
      if (pid != 0) {
        pids += (pids.size() > 1 ? "," : "") + std::to_string(pid);
      }
    }
    pids += "}";
    const std::string sql =
        "SELECT " + backfill_paused_expression(m_job.state_schema) + ", "
        "(SELECT count(*) FROM pg_stat_activity a WHERE a.wait_event_type = 'Lock' AND "
        "a.pid <> ALL ($2::int[]) AND pg_blocking_pids(a.pid) && $2::int[]), "
        // Who holds the rows a batch waits for, to name when the batch times out.
        "(SELECT string_agg(format('pid %s (application ''%s'', %s for %s s): %s', b.pid, "
        "  coalesce(b.application_name, ''), coalesce(b.state, 'state unknown'), "
        "  coalesce(round(extract(epoch FROM now() - coalesce(b.xact_start, b.query_start))"
        "::numeric, 1)::text, '?'), left(regexp_replace(coalesce(b.query, ''), '\\s+', ' ', "
        "'g'), 120)), '; ' ORDER BY b.pid) FROM pg_stat_activity b WHERE b.pid IN "
        "(SELECT unnest(pg_blocking_pids(w)) FROM unnest($2::int[]) w))" +
        health_columns_sql();
    const auto bool_text = [](bool b) { return std::string(b ? "true" : "false"); };
    PgParams params{m_job.plan, pids, bool_text(HealthWatch::watches_replicas(m_job.options)),
                    bool_text(HealthWatch::watches_xacts(m_job.options))};
    auto r = co_await conn.query(sql, params);
    if (r.text(0, 0) == "t") {
      stop(StopReason::paused);
      co_return;
    }
    if (!r.is_null(0, 2)) {
      m_row_blockers = hide_passwords(r.text(0, 2));
      m_row_blockers_at = clock::now();
    }
    const auto sample = parse_health_sample(clock::now(), r.text(0, 3),
                                            r.is_null(0, 4) ? "" : r.text(0, 4),
                                            r.is_null(0, 5) ? "" : r.text(0, 5), r.number(0, 1));
    m_verdict = m_health.observe(sample);
    if (!m_job.options.throttle && m_verdict.reason != "lock_waiters") {
      // `up` runs unthrottled; it still gives way to sessions queued behind its batches.
      m_verdict.reason.clear();
      m_verdict.detail.clear();
    }
    m_hold = m_verdict.reason;
    if (!m_hold.empty()) {
      m_shown_hold = m_hold;
      m_shown_detail = m_verdict.detail;
      m_shown_until = clock::now() + k_hold_shown_for;
      tell_throttle();
    }
  }

  void tell_throttle() {
    const auto now = clock::now();
    auto& last = m_told[m_hold];
    if (!m_job.on_throttle || (last != clock::time_point{} && now - last < k_throttle_event_every)) {
      return;
    }
    last = now;
    m_job.on_throttle(m_hold, m_verdict.detail);
  }

  Progress progress() const {
    const double secs = std::chrono::duration<double>(clock::now() - m_started).count();
    Progress p;
    p.rows_done = m_rows_before + m_rows_run;
    p.rows_estimated = std::max(m_rows_estimated, p.rows_done);
    p.rows_per_second = secs > 0 ? static_cast<double>(m_rows_run) / secs : 0;
    p.eta_seconds = p.rows_per_second > 0
                        ? static_cast<double>(p.rows_estimated - p.rows_done) / p.rows_per_second
                        : -1;
    long long sum = 0;
    for (long long b : m_batches) {
      sum += b;
    }
    p.batch_size = sum / static_cast<long long>(m_batches.size());
    p.batch_ms = m_last_batch_ms;
    p.retries = m_retries;
    p.health = m_verdict.figures;
    if (m_stop != StopReason::none) {
      p.throttled_by = std::string(to_string(m_stop));
    } else if (!m_hold.empty()) {
      p.throttled_by = m_hold;
      p.throttle_detail = m_verdict.detail;
    } else if (clock::now() < m_shown_until) {
      p.throttled_by = m_shown_hold;
      p.throttle_detail = m_shown_detail;
    } else if (clock::now() - m_rate_waited < std::chrono::seconds(1)) {
      p.throttled_by = "max_rows_per_second";
    }
    return p;
  }

  static PgParams control_params(const std::string& plan, const Progress& p) {
    return {plan,
            std::to_string(p.rows_done),
            std::to_string(p.rows_estimated),
            fmt::format("{:.3f}", p.rows_per_second),
            p.throttled_by.empty() ? std::nullopt : std::optional<std::string>(p.throttled_by),
            std::to_string(p.batch_size),
            throttle_json(p.throttled_by, p.throttle_detail, p.health).dump()};
  }

  awaitable<void> publish(AsyncConnection& conn) {
    const Progress p = progress();
    m_reporter.progress(p);
    const std::string sql = backfill_progress_sql(m_job.state_schema);
    PgParams params = control_params(m_job.plan, p);
    co_await conn.query(sql, params);
  }

  void publish_final(pqxx::connection& conn) {
    Progress p = progress();
    const bool finished = m_stop == StopReason::none && m_queue.empty() && m_unfinished == 0;
    if (finished) {
      p.rows_estimated = p.rows_done;
      p.eta_seconds = 0;
      p.throttled_by.clear();
      p.throttle_detail.clear();
    }
    m_reporter.progress(p);
    try {
      const auto params = control_params(m_job.plan, p);
      pqxx::work tx(conn);
      tx.exec_params(backfill_progress_sql(m_job.state_schema), params[0], params[1], params[2], params[3], params[4],
                     params[5], params[6]);
      tx.commit();
    } catch (const pqxx::failure&) {
      // Progress is advisory; what matters (the cursors) was committed with each batch.
    }
  }

  const BackfillJob& m_job;
  Reporter& m_reporter;
  std::string m_ranges_table;
  std::deque<KeyRange> m_queue;
  double m_last_batch_ms = 0;
  long long m_retries = 0;
  std::vector<int> m_pids;          // workers' backend pids, 0 while not connected
  std::vector<long long> m_batches; // each worker's current batch size
  std::optional<TokenBucket> m_bucket;
  long long m_rate_cap = 0;
  clock::time_point m_rate_waited{};
  // Everything runs on the io_context's one thread, so plain members need no locks.
  StopReason m_stop = StopReason::none; // why the engine stops
  std::set<asio::steady_timer*> m_sleepers; // the waits stop() ends
  asio::steady_timer* m_monitor_tick = nullptr; // ended when the last worker leaves
  std::string m_hold; // why workers wait: "replica_lag", "xact_age", "wal_rate", "lock_waiters"
  HealthWatch m_health{m_job.options};
  HealthVerdict m_verdict;   // the monitor's latest
  std::string m_shown_hold;  // the latest hold and its detail, shown a little past its end
  std::string m_shown_detail;
  clock::time_point m_shown_until{};
  std::map<std::string, clock::time_point> m_told; // when on_throttle last heard of a reason
  std::string m_row_blockers; // sessions holding rows a batch waits for, as last sampled
  clock::time_point m_row_blockers_at{};
  int m_active = 0;
  int m_unfinished = 0; // ranges taken from the queue and not finished
  long long m_rows_before = 0;
  bool m_quiet_triggers = false;
  long long m_rows_estimated = 0; // planned from the table's statistics
  long long m_rows_run = 0;
  clock::time_point m_started;
  std::exception_ptr m_failure;
};

} // namespace

std::string_view to_string(StopReason reason) {
  switch (reason) {
  case StopReason::signal:
    return "signal";
  case StopReason::window:
    return "window";
  case StopReason::paused:
    return "paused";
  case StopReason::error:
    return "error";
  case StopReason::none:
    break;
  }
  return "";
}

awaitable<BackfillOutcome> backfill_on_loop(const BackfillJob& job, Reporter& reporter) {
  if (job.specs.empty()) {
    co_return BackfillOutcome{.finished = true};
  }
  Engine engine(job, reporter);
  co_return co_await engine.run();
}

BackfillOutcome run_backfill(const BackfillJob& job, Reporter& reporter) {
  asio::io_context io;
  LoopSignals signals(io.get_executor());
  BackfillJob on_loop = job;
  on_loop.signals = &signals;
  BackfillOutcome outcome;
  std::exception_ptr failure;
  asio::co_spawn(io, backfill_on_loop(on_loop, reporter),
                 [&](std::exception_ptr e, BackfillOutcome o) {
                   failure = e;
                   outcome = o;
                   signals.cancel();
                 });
  io.run();
  if (failure) {
    std::rethrow_exception(failure);
  }
  return outcome;
}

} // namespace orchestrate
