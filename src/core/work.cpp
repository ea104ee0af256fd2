#include "core/work.hpp"

namespace orchestrate {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(
    Step, id, sql, in_transaction, idempotent, under_lock_timeout, before_retry)
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
