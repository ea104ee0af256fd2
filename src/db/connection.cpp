#include "db/connection.hpp"

#include <cstdlib>
#include <regex>

#include "core/errors.hpp"

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
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  return message;
}
} // namespace

std::unique_ptr<pqxx::connection> open_connection(const std::string& url,
                                                  const std::string& application_name) {
  try {
    auto conn = std::make_unique<pqxx::connection>(url);
    pqxx::nontransaction tx(*conn);
    tx.exec("SET application_name = " + tx.quote(application_name));
    return conn;
  } catch (const pqxx::broken_connection& e) {
    throw Error(k_exit_runtime, "cannot connect to " + redact_connection_string(url) + ": " +
                                    scrub(e.what(), url));
  } catch (const pqxx::sql_error& e) {
    throw Error(k_exit_runtime, "cannot connect to " + redact_connection_string(url) + " [" +
                                    e.sqlstate() + "]: " + scrub(e.what(), url));
  }
}

std::string query_value(pqxx::connection& conn, const std::string& sql) {
  pqxx::work tx(conn);
  auto r = tx.exec(sql);
  tx.commit();
  if (r.empty() || r[0][0].is_null()) {
    return "";
  }
  return r[0][0].as<std::string>();
}

} // namespace orchestrate
