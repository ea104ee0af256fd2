#include "db/executor.hpp"

#include <fmt/format.h>

#include <random>
#include <regex>
#include <thread>

#include "core/errors.hpp"
#include "db/blockers.hpp"
#include "core/text.hpp"

namespace orchestrate {

bool is_retryable_sqlstate(const std::string& sqlstate) {
  return sqlstate == "55P03" || sqlstate == "40001" || sqlstate == "40P01";
}

std::chrono::milliseconds parse_duration(const std::string& text) {
  static const std::regex k_duration(R"(\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|min|m|h)?\s*)");
  std::smatch m;
  if (!std::regex_match(text, m, k_duration)) {
    throw InputError("'" + text + "' is not a duration (examples: 500ms, 10s, 2min, 1h)");
  }
  double value = std::stod(m[1].str());
  const std::string unit = m[2].str();
  double factor = 1;
  if (unit == "s" || unit == "sec") {
    factor = 1000;
  } else if (unit == "min" || unit == "m") {
    factor = 60'000;
  } else if (unit == "h") {
    factor = 3'600'000;
  }
  return std::chrono::milliseconds(static_cast<long long>(value * factor));
}

std::string format_ms(std::chrono::milliseconds ms) {
  return std::to_string(ms.count()) + "ms";
}

namespace {

void run_once(pqxx::connection& conn, const Step& step, const ExecSettings& settings) {
  const std::string lock_timeout =
      step.under_lock_timeout ? format_ms(settings.lock_timeout) : std::string("0");
  if (step.in_transaction) {
    pqxx::work tx(conn);
    tx.exec("SET LOCAL lock_timeout = '" + lock_timeout + "'");
    tx.exec("SET LOCAL statement_timeout = 0");
    tx.exec(step.sql);
    tx.commit();
  } else {
    pqxx::nontransaction tx(conn);
    tx.exec("SET lock_timeout = '" + lock_timeout + "'");
    tx.exec("SET statement_timeout = 0");
    tx.exec(step.sql);
    tx.exec("RESET lock_timeout");
    tx.exec("RESET statement_timeout");
  }
}

} // namespace

void run_step(pqxx::connection& conn,
              const Step& step,
              const ExecSettings& settings,
              const WaitNotice& notice) {
  using clock = std::chrono::steady_clock;
  const auto started = clock::now();
  std::mt19937 rng(std::random_device{}());
  auto delay = std::chrono::milliseconds(100);
  // Only statements that queue for a table lock are watched for blockers.
  BlockerWatch watch(step.under_lock_timeout ? settings.url : std::string(),
                     settings.lock_timeout);
  for (int attempt = 1;; ++attempt) {
    std::string blockers;
    try {
      if (attempt > 1 && !step.before_retry.empty()) {
        pqxx::work tx(conn);
        tx.exec("SET LOCAL lock_timeout = '" + format_ms(settings.lock_timeout) + "'");
        tx.exec(step.before_retry);
        tx.commit();
      }
      watch.start(conn.backendpid());
      run_once(conn, step, settings);
      watch.stop();
      return;
    } catch (const pqxx::in_doubt_error& e) {
      throw StepError(step.id, "", std::string("outcome of the commit is unknown: ") + e.what());
    } catch (const pqxx::sql_error& e) {
      blockers = watch.stop();
      // A terminated backend or a server shutting down reports a SQLSTATE first and then
      // closes the connection: that is a lost connection, for the caller to handle as one.
      if (!conn.is_open() || e.sqlstate().rfind("57P0", 0) == 0 ||
          e.sqlstate().rfind("08", 0) == 0) {
        throw pqxx::broken_connection(e.what());
      }
      if (!is_retryable_sqlstate(e.sqlstate()) || clock::now() - started > settings.lock_retry_for) {
        std::string message = trim_end(e.what());
        if (!blockers.empty()) {
          message += "; blocked by " + blockers;
        }
        throw StepError(step.id, e.sqlstate(), message);
      }
      std::uniform_real_distribution<double> jitter(0.5, 1.5);
      auto wait = std::chrono::milliseconds(static_cast<long long>(delay.count() * jitter(rng)));
      if (notice) {
        notice(fmt::format("step {}: {} [{}], attempt {}, retrying in {}{}", step.id,
                           e.sqlstate() == "55P03" ? "lock not available within lock_timeout"
                                                   : "transient conflict",
                           e.sqlstate(), attempt, format_ms(wait),
                           blockers.empty() ? std::string()
                                            : "; blocked by " + blockers));
      }
      std::this_thread::sleep_for(wait);
      delay = std::min(delay * 2, std::chrono::milliseconds(5000));
    }
  }
}

} // namespace orchestrate
