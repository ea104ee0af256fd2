#include "db/sqlstate.hpp"

#include "core/text.hpp"

namespace orchestrate {

std::string sqlstate_of(const pqxx::failure& e) {
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    if (!sql->sqlstate().empty()) {
      return sql->sqlstate();
    }
    if (dynamic_cast<const pqxx::insufficient_privilege*>(&e) != nullptr) {
      return "42501";
    }
    return "";
  }
  if (dynamic_cast<const pqxx::deadlock_detected*>(&e) != nullptr) {
    return "40P01";
  }
  if (dynamic_cast<const pqxx::serialization_failure*>(&e) != nullptr) {
    return "40001";
  }
  if (dynamic_cast<const pqxx::statement_completion_unknown*>(&e) != nullptr) {
    return "40003";
  }
  if (dynamic_cast<const pqxx::transaction_rollback*>(&e) != nullptr) {
    return "40000";
  }
  if (dynamic_cast<const pqxx::too_many_connections*>(&e) != nullptr) {
    return "53300";
  }
  return "";
}

std::string describe_db_error(const pqxx::failure& e) {
  const std::string code = sqlstate_of(e);
  return (code.empty() ? "" : "[" + code + "] ") + trim_end(e.what());
}

} // namespace orchestrate
