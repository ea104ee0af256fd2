#include "planner/render_for_role.hpp"

#include "planner/planner.hpp"

namespace orchestrate {

PlanWork render_for_role(pqxx::connection& conn, const Plan& plan, const Catalog& live,
                         std::string& note) {
  note.clear();
  bool may_create = true;
  {
    pqxx::read_transaction tx(conn);
    may_create = tx.exec("SELECT has_database_privilege(current_database(), 'CREATE')")[0][0]
                     .as<bool>();
  }
  if (may_create) {
    return render_plan(plan, live);
  }
  PlanWork work = render_plan(plan, live, RenderOptions{.stable_shapes = false});
  note = "the role may not CREATE on this database, so plan " + plan.name.value +
         " keeps no old version schema" +
         (work.version_schema.empty() ? " and no new one" : "") +
         ": the applications use the tables, whose shapes change as the README's \"Stable "
         "shapes\" says (GRANT CREATE ON DATABASE to the role gives them stable shapes)";
  // A new default reaches the new application through its version schema only.
  for (const auto& change : plan.changes) {
    if (change->kind() == "set_default" || change->kind() == "drop_default") {
      const Touch touch = change->touches().front();
      note += "; " + std::string(change->kind()) + " of " + touch.table + "." + touch.column +
              " takes effect for both applications at contract";
    }
  }
  return work;
}

} // namespace orchestrate
