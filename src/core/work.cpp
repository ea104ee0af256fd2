#include "core/work.hpp"

namespace orchestrate {

void to_json(nlohmann::json& j, const Step& s) {
  j = {{"id", s.id},
       {"sql", s.sql},
       {"in_transaction", s.in_transaction},
       {"idempotent", s.idempotent},
       {"under_lock_timeout", s.under_lock_timeout},
       {"clear_leftover", s.clear_leftover},
       {"verify", s.verify},
       {"unique_index", s.unique_index}};
}

void from_json(const nlohmann::json& j, Step& s) {
  j.at("id").get_to(s.id);
  j.at("sql").get_to(s.sql);
  j.at("in_transaction").get_to(s.in_transaction);
  j.at("idempotent").get_to(s.idempotent);
  j.at("under_lock_timeout").get_to(s.under_lock_timeout);
  // Plans registered before these fields existed ran their cleanup only before retries.
  s.clear_leftover = j.value("clear_leftover", j.value("before_retry", std::string()));
  s.verify = j.value("verify", std::string());
  s.unique_index = j.value("unique_index", std::string());
}

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(
    BackfillSpec, id, schema, table, key, key_types, integer_key, assignments, differs)

void to_json(nlohmann::json& j, const Check& c) {
  j = {{"id", c.id}, {"description", c.description}, {"sql", c.sql},
       {"rolled_back", c.rolled_back}};
  if (c.parity) {
    j["parity"] = *c.parity;
  }
}

void from_json(const nlohmann::json& j, Check& c) {
  j.at("id").get_to(c.id);
  j.at("description").get_to(c.description);
  j.at("sql").get_to(c.sql);
  c.rolled_back = j.value("rolled_back", false);
  if (j.contains("parity")) {
    c.parity = j.at("parity").get<BackfillSpec>();
  }
}

void to_json(nlohmann::json& j, const PhaseWork& w) {
  j = {{"steps", w.steps}, {"gate", w.gate}, {"backfills", w.backfills}};
}

void from_json(const nlohmann::json& j, PhaseWork& w) {
  j.at("steps").get_to(w.steps);
  j.at("gate").get_to(w.gate);
  j.at("backfills").get_to(w.backfills);
}

void to_json(nlohmann::json& j, const PlanWork& w) {
  j = {{"phases", w.phases}, {"rollback", w.rollback}, {"version_schema", w.version_schema},
       {"base_schema", w.base_schema}};
}

void from_json(const nlohmann::json& j, PlanWork& w) {
  j.at("phases").get_to(w.phases);
  j.at("rollback").get_to(w.rollback);
  w.version_schema = j.value("version_schema", "");
  w.base_schema = j.value("base_schema", "public");
}

} // namespace orchestrate
