#include "db/connection.hpp"

#include <algorithm>
#include <thread>

#include <cstdlib>
#include <regex>

#include "core/errors.hpp"
#include "core/text.hpp"
#include "db/sqlstate.hpp"

namespace orchestrate {

std::string resolve_database_url(const std::string& flag) {
  if (!flag.empty()) {
    return flag;
  }
  if (const char* env = std::getenv("DATABASE_URL"); env != nullptr && *env != '\0') {
    return env;
  }
  return "";
}

std::string redact_connection_string(const std::string& url) {
  if (url.empty()) {
    return "(libpq defaults: PGHOST, PGPORT, PGDATABASE, ...)";
  }
  // URI form: scheme://user:password@host..., and ?password=... parameters.
  static const std::regex k_userinfo(R"(^([a-z]+://[^:/@]*):[^@/]*@)", std::regex::icase);
  static const std::regex k_param(R"(([?&]password=)[^&]*)", std::regex::icase);
  // key=value form: password=secret or password='se cret'.
  static const std::regex k_keyword(R"((^|\s)password\s*=\s*('([^'\\]|\\.)*'|\S+))",
                                    std::regex::icase);
  std::string out = std::regex_replace(url, k_userinfo, "$1:***@");
  out = std::regex_replace(out, k_param, "$1***");
  out = std::regex_replace(out, k_keyword, "$1password=***");
  return out;
}

namespace {
std::string scrub(std::string message, const std::string& url) {
  // libpq does not echo passwords, but a malformed string may be quoted back; never print it.
  static const std::regex k_password(R"(password\s*=\s*\S+)", std::regex::icase);
  message = std::regex_replace(message, k_password, "password=***");
  const char* env = std::getenv("PGPASSWORD");
  auto hide = [&](const std::string& secret) {
    if (secret.size() < 3) {
      return;
    }
    for (auto pos = message.find(secret); pos != std::string::npos; pos = message.find(secret)) {
      message.replace(pos, secret.size(), "***");
    }
  };
  if (env != nullptr) {
    hide(env);
  }
  static const std::regex k_userinfo(R"(://[^:/@]*:([^@/]*)@)");
  std::smatch m;
  if (std::regex_search(url, m, k_userinfo)) {
    hide(m[1].str());
  }
  return trim_end(message);
}

// libpqxx 6.4 marks its reactivation controls deprecated (7.x drops reactivation altogether);
// these two are the only places that touch them.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
void set_reactivation(pqxx::connection& conn, bool allowed) {
  conn.inhibit_reactivation(!allowed);
}

// Drops a session libpq may still believe open, then connects anew (settings made with
// set_variable are replayed).
void reopen(pqxx::connection& conn) {
  set_reactivation(conn, true);
  conn.disconnect();
  conn.activate();
  set_reactivation(conn, false);
}
#pragma GCC diagnostic pop
} // namespace

std::unique_ptr<pqxx::connection> open_connection(const std::string& url,
                                                  const std::string& application_name) {
  try {
    auto conn = std::make_unique<pqxx::connection>(url);
    // Restored by libpqxx when the connection is brought back (see reconnect).
    conn->set_variable("application_name", conn->quote(application_name));
    // libpqxx would otherwise reconnect silently on next use, and a session-level advisory
    // lock taken on the lost session would be gone without anyone noticing.
    set_reactivation(*conn, false);
    return conn;
  } catch (const pqxx::broken_connection& e) {
    const std::string code = sqlstate_of(e); // 53300 when the server is full
    throw Error(k_exit_runtime, "cannot connect to " + redact_connection_string(url) +
                                    (code.empty() ? "" : " [" + code + "]") + ": " +
                                    scrub(e.what(), url));
  } catch (const pqxx::failure& e) {
    throw Error(k_exit_runtime, "cannot connect to " + redact_connection_string(url) + " [" +
                                    sqlstate_of(e) + "]: " + scrub(e.what(), url));
  }
}

bool reconnect(pqxx::connection& conn,
               std::chrono::milliseconds give_up_after,
               const std::function<void(const std::string&)>& log) {
  const auto deadline = std::chrono::steady_clock::now() + give_up_after;
  for (int attempt = 1;; ++attempt) {
    std::string why;
    try {
      reopen(conn);
      pqxx::nontransaction(conn).exec("SELECT 1");
      return true;
    } catch (const pqxx::sql_error& e) {
      why = "[" + e.sqlstate() + "] " + e.what(); // e.g. 57P03 while the server starts up
    } catch (const pqxx::failure& e) {
      why = e.what();
    }
    set_reactivation(conn, false);
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    log("reconnect attempt " + std::to_string(attempt) + " failed: " + trim_end(why));
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(2000, 100 << std::min(attempt, 5))));
  }
}

} // namespace orchestrate
