#include "backfill/engine.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>
#include <thread>

#include "core/errors.hpp"
#include "core/ident.hpp"
#include "db/connection.hpp"
#include "db/keyset.hpp"

namespace orchestrate {

namespace {

using clock = std::chrono::steady_clock;

int local_minutes_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  return tm.tm_hour * 60 + tm.tm_min;
}

std::vector<std::string> to_key(const nlohmann::json& j) {
  std::vector<std::string> out;
  if (j.is_array()) {
    for (const auto& v : j) {
      out.push_back(v.get<std::string>());
    }
  }
  return out;
}

class Copier {
public:
  Copier(const BackfillJob& job, Reporter& reporter)
      : m_job(job), m_reporter(reporter),
        m_conn(open_connection(job.url, "orchestrate backfill " + job.plan)),
        m_ranges(quote_qualified(job.state_schema, "backfill_ranges")),
        m_control(quote_qualified(job.state_schema, "control")),
        m_batch(job.options.batch_size) {}

  BackfillOutcome run() {
    BackfillOutcome out;
    prepare_ranges();
    m_started = clock::now();
    m_last_report = m_started;
    for (const auto& spec : m_job.specs) {
      for (;;) {
        if (auto reason = should_stop(); !reason.empty()) {
          publish(reason);
          m_reporter.progress_done();
          out.stopped_because = reason;
          out.rows_done = m_rows_done;
          return out;
        }
        if (batch(spec)) {
          break;
        }
      }
    }
    publish("");
    m_reporter.progress_done();
    out.finished = true;
    out.rows_done = m_rows_done;
    return out;
  }

private:
  void prepare_ranges() {
    pqxx::work tx(*m_conn);
    long long total = 0;
    for (const auto& spec : m_job.specs) {
      tx.exec_params("INSERT INTO " + m_ranges +
                         " (plan, backfill_id, range_no, rows_estimate) VALUES ($1, $2, 0, "
                         "(SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = "
                         "to_regclass($3))) ON CONFLICT DO NOTHING",
                     m_job.plan, spec.id, quote_qualified(spec.schema, spec.table));
    }
    auto r = tx.exec_params("SELECT coalesce(sum(rows_done), 0), coalesce(sum(rows_estimate), 0) "
                            "FROM " + m_ranges + " WHERE plan = $1",
                            m_job.plan);
    m_rows_before = r[0][0].as<long long>();
    total = r[0][1].as<long long>();
    m_rows_total = std::max(total, m_rows_before);
    tx.exec_params("UPDATE " + m_control + " SET running_on = $2, heartbeat = now() WHERE plan = $1",
                   m_job.plan, current_host());
    tx.commit();
    m_rows_done = 0;
  }

  static std::string current_host() {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    return host;
  }

  std::string should_stop() {
    if (m_job.stop != nullptr && m_job.stop->load()) {
      return "signal";
    }
    if (m_job.options.throttle && m_job.options.window &&
        !inside_window(*m_job.options.window, local_minutes_now())) {
      return "window";
    }
    if (clock::now() - m_last_pause_check > std::chrono::milliseconds(500)) {
      m_last_pause_check = clock::now();
      pqxx::read_transaction tx(*m_conn);
      auto r = tx.exec_params("SELECT paused FROM " + m_control + " WHERE plan = $1", m_job.plan);
      if (!r.empty() && r[0][0].as<bool>()) {
        return "paused";
      }
    }
    return "";
  }

  // One batch in one transaction; returns true when this backfill's range is finished.
  bool batch(const BackfillSpec& spec) {
    Keyset ks(spec);
    const auto started = clock::now();
    long long affected = 0;
    bool finished = false;
    for (int attempt = 1;; ++attempt) {
      try {
        pqxx::work tx(*m_conn);
        tx.exec("SET LOCAL lock_timeout = '" + format_ms(m_job.exec.lock_timeout) + "'");
        auto range = tx.exec_params("SELECT cursor::text, done FROM " + m_ranges +
                                        " WHERE plan = $1 AND backfill_id = $2 AND range_no = 0 "
                                        "FOR UPDATE",
                                    m_job.plan, spec.id);
        if (range.empty() || range[0][1].as<bool>()) {
          tx.commit();
          return true;
        }
        std::vector<std::string> cursor;
        if (!range[0][0].is_null()) {
          cursor = to_key(nlohmann::json::parse(range[0][0].as<std::string>()));
        }
        const std::string after = cursor.empty() ? "true" : ks.after(1);
        const std::size_t next_param = cursor.empty() ? 1 : spec.key.size() + 1;
        // The batch's upper bound: the key m_batch rows further on, or the end of the table.
        auto bound = tx.exec_params(
            fmt::format("SELECT json_build_array({})::text FROM {} WHERE {} ORDER BY {} "
                        "OFFSET {} LIMIT 1",
                        ks.text_columns, ks.table, after, ks.order, m_batch - 1),
            pqxx::prepare::make_dynamic_params(cursor));
        std::vector<std::string> upper;
        std::string where = after;
        if (!bound.empty()) {
          upper = to_key(nlohmann::json::parse(bound[0][0].as<std::string>()));
          where += " AND " + ks.up_to(next_param);
        }
        std::vector<std::string> params = cursor;
        params.insert(params.end(), upper.begin(), upper.end());
        auto updated = tx.exec_params(fmt::format("UPDATE {} SET {} WHERE {} AND ({})", ks.table,
                                                  spec.assignments, where, spec.differs),
                                      pqxx::prepare::make_dynamic_params(params));
        finished = bound.empty();
        // Progress counts rows passed over, copied or not (a full batch is m_batch rows).
        affected = finished ? static_cast<long long>(updated.affected_rows()) : m_batch;
        std::optional<std::string> new_cursor;
        if (!finished) {
          new_cursor = nlohmann::json(upper).dump();
        }
        // The cursor moves in the batch's own transaction: a crash loses nothing, repeats nothing.
        tx.exec_params("UPDATE " + m_ranges +
                           " SET cursor = $3::jsonb, rows_done = rows_done + $4, done = $5, "
                           "updated_at = now() WHERE plan = $1 AND backfill_id = $2 AND "
                           "range_no = 0",
                       m_job.plan, spec.id, new_cursor, affected, finished);
        tx.commit();
        break;
      } catch (const pqxx::sql_error& e) {
        if (!is_retryable_sqlstate(e.sqlstate()) || attempt >= 50) {
          throw StepError("backfill." + spec.id, e.sqlstate(), e.what());
        }
        m_reporter.warn(fmt::format("backfill {}: batch retried after [{}]", spec.id,
                                    e.sqlstate()));
        std::this_thread::sleep_for(std::chrono::milliseconds(50 * attempt));
      }
    }
    m_rows_done += affected;
    adapt(clock::now() - started);
    throttle();
    if (clock::now() - m_last_report > std::chrono::seconds(1) || finished) {
      publish("");
    }
    return finished;
  }

  // Aim each batch at the target time: grow at most 1.5x a step, shrink 10x after a batch
  // over 5x the target.
  void adapt(clock::duration took) {
    const double ms = std::chrono::duration<double, std::milli>(took).count();
    const double target = m_job.options.target_batch_ms;
    double next = static_cast<double>(m_batch);
    if (ms > 5 * target) {
      next /= 10;
    } else if (ms > 0) {
      next *= std::clamp(target / ms, 0.5, 1.5);
    } else {
      next *= 1.5;
    }
    m_batch = std::clamp(static_cast<long long>(next), m_job.options.min_batch,
                         m_job.options.max_batch);
  }

  void throttle() {
    if (!m_job.options.throttle || !m_job.options.max_rows_per_second) {
      return;
    }
    const double rate = *m_job.options.max_rows_per_second;
    const auto earliest = m_started + std::chrono::duration_cast<clock::duration>(
                                          std::chrono::duration<double>(m_rows_done / rate));
    if (earliest > clock::now()) {
      m_throttled = "max_rows_per_second";
      std::this_thread::sleep_until(earliest);
    } else {
      m_throttled.clear();
    }
  }

  void publish(const std::string& stopped) {
    m_last_report = clock::now();
    const double secs = std::chrono::duration<double>(clock::now() - m_started).count();
    Progress p;
    p.rows_done = m_rows_before + m_rows_done;
    p.rows_total = std::max(m_rows_total, p.rows_done);
    p.rows_per_second = secs > 0 ? m_rows_done / secs : 0;
    p.eta_seconds = p.rows_per_second > 0 ? (p.rows_total - p.rows_done) / p.rows_per_second : -1;
    p.batch_size = m_batch;
    p.throttled_by = stopped.empty() ? m_throttled : stopped;
    m_reporter.progress(p);
    try {
      pqxx::work tx(*m_conn);
      tx.exec_params("UPDATE " + m_control +
                         " SET rows_done = $2, rows_total = $3, rows_per_second = $4, "
                         "throttled_by = $5, batch_size = $6, heartbeat = now() WHERE plan = $1",
                     m_job.plan, p.rows_done, p.rows_total, p.rows_per_second,
                     p.throttled_by.empty() ? std::optional<std::string>() : p.throttled_by,
                     p.batch_size);
      tx.commit();
    } catch (const pqxx::sql_error&) {
      // Progress is advisory; the cursor, which matters, was committed with the batch.
    }
  }

  const BackfillJob& m_job;
  Reporter& m_reporter;
  std::unique_ptr<pqxx::connection> m_conn;
  std::string m_ranges;
  std::string m_control;
  long long m_batch;
  long long m_rows_done = 0;
  long long m_rows_before = 0;
  long long m_rows_total = 0;
  std::string m_throttled;
  clock::time_point m_started;
  clock::time_point m_last_report;
  clock::time_point m_last_pause_check{};
};

} // namespace

BackfillOutcome run_backfill(const BackfillJob& job, Reporter& reporter) {
  if (job.specs.empty()) {
    return {true, "", 0};
  }
  Copier copier(job, reporter);
  return copier.run();
}

} // namespace orchestrate
