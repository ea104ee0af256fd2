#include "core/work.hpp"

namespace orchestrate {

void to_json(nlohmann::json& j, const Step& s) {
  j = {{"id", s.id},
       {"sql", s.sql},
       {"in_transaction", s.in_transaction},
       {"under_lock_timeout", s.under_lock_timeout},
       {"clear_leftover", s.clear_leftover},
       {"verify", s.verify},
       {"unique_index", s.unique_index}};
}

void from_json(const nlohmann::json& j, Step& s) {
  j.at("id").get_to(s.id);
  j.at("sql").get_to(s.sql);
  j.at("in_transaction").get_to(s.in_transaction);
  j.at("under_lock_timeout").get_to(s.under_lock_timeout);
  // Plans registered before these fields existed ran their cleanup only before retries.
  s.clear_leftover = j.value("clear_leftover", j.value("before_retry", std::string()));
  s.verify = j.value("verify", std::string());
  s.unique_index = j.value("unique_index", std::string());
}

void to_json(nlohmann::json& j, const BackfillSpec& s) {
  j = {{"id", s.id},           {"schema", s.schema},           {"table", s.table},
       {"key", s.key},         {"key_types", s.key_types},     {"integer_key", s.integer_key},
       {"assignments", s.assignments}, {"differs", s.differs}, {"invalid", s.invalid},
       {"table_triggers", s.table_triggers}};
}

// Plans registered by earlier versions lack the newer fields.
void from_json(const nlohmann::json& j, BackfillSpec& s) {
  j.at("id").get_to(s.id);
  j.at("schema").get_to(s.schema);
  j.at("table").get_to(s.table);
  j.at("key").get_to(s.key);
  j.at("key_types").get_to(s.key_types);
  j.at("integer_key").get_to(s.integer_key);
  j.at("assignments").get_to(s.assignments);
  j.at("differs").get_to(s.differs);
  s.invalid = j.value("invalid", "");
  s.table_triggers = j.value("table_triggers", std::vector<std::string>{});
}

void to_json(nlohmann::json& j, const Check& c) {
  j = {{"id", c.id}, {"description", c.description}, {"sql", c.sql},
       {"rolled_back", c.rolled_back}, {"advice", c.advice}};
  if (c.parity) {
    j["parity"] = *c.parity;
  }
}

void from_json(const nlohmann::json& j, Check& c) {
  j.at("id").get_to(c.id);
  j.at("description").get_to(c.description);
  j.at("sql").get_to(c.sql);
  c.rolled_back = j.value("rolled_back", false);
  c.advice = j.value("advice", "");
  if (j.contains("parity")) {
    c.parity = j.at("parity").get<BackfillSpec>();
  }
}

void to_json(nlohmann::json& j, const PhaseWork& w) {
  j = {{"steps", w.steps}, {"gate", w.gate}, {"backfills", w.backfills}};
  if (!w.precheck.empty()) {
    j["precheck"] = w.precheck;
  }
}

void from_json(const nlohmann::json& j, PhaseWork& w) {
  j.at("steps").get_to(w.steps);
  j.at("gate").get_to(w.gate);
  j.at("backfills").get_to(w.backfills);
  if (j.contains("precheck")) {
    j.at("precheck").get_to(w.precheck);
  }
}

void to_json(nlohmann::json& j, const PlanWork& w) {
  j = {{"phases", w.phases}, {"rollback", w.rollback}, {"version_schema", w.version_schema},
       {"old_version_schema", w.old_version_schema}, {"base_schema", w.base_schema}};
  for (const auto& reason : w.rollback_refused) {
    if (!reason.empty()) {
      j["rollback_refused"] = w.rollback_refused;
      break;
    }
  }
}

void from_json(const nlohmann::json& j, PlanWork& w) {
  j.at("phases").get_to(w.phases);
  j.at("rollback").get_to(w.rollback);
  w.version_schema = j.value("version_schema", "");
  w.old_version_schema = j.value("old_version_schema", "");
  w.base_schema = j.value("base_schema", "public");
  if (j.contains("rollback_refused")) {
    j.at("rollback_refused").get_to(w.rollback_refused);
  }
}

} // namespace orchestrate
