#pragma once

#include <algorithm>
#include <string>

#include "core/catalog.hpp"
#include "core/work.hpp"
#include "plan/parse.hpp"
#include "planner/planner.hpp"

// The schema the unit tests of the structural change kinds plan against: users (with a key
// and an index) and accounts (keyed, pointing at users), as in examples/schema.sql.
namespace kinds_basic {

inline orchestrate::Catalog catalog() {
  using namespace orchestrate;
  Catalog c;
  c.schemas = {"public"};
  Table users;
  users.schema = "public";
  users.name = "users";
  users.columns = {{"id", "bigint", true, std::nullopt, std::nullopt, false, true, false},
                   {"name", "text", true, std::nullopt, std::nullopt, false, false, false},
                   {"email", "text", false, std::nullopt, std::nullopt, false, false, false},
                   {"nickname", "text", true, std::nullopt, std::nullopt, false, false, false}};
  users.indexes = {{"users_pkey", "CREATE UNIQUE INDEX users_pkey ON public.users USING btree (id)",
                    {"id"}, true, true, true, false, "users_pkey"}};
  users.referenced_by = {{"accounts_user_id_fkey", "accounts", {"id"}}};
  c.tables.emplace("public.users", users);
  Table accounts;
  accounts.schema = "public";
  accounts.name = "accounts";
  accounts.columns = {{"id", "integer", true, std::nullopt, std::nullopt, false, false, false},
                      {"user_id", "bigint", false, std::nullopt, std::nullopt, false, false, false},
                      {"balance", "integer", true, std::nullopt, "0", false, false, false}};
  accounts.indexes = {{"accounts_pkey",
                       "CREATE UNIQUE INDEX accounts_pkey ON public.accounts USING btree (id)",
                       {"id"}, true, true, true, false, "accounts_pkey"}};
  accounts.constraints = {{"accounts_user_id_fkey", 'f', "FOREIGN KEY (user_id) REFERENCES users(id)",
                           {"user_id"}, true, "users", {"id"}}};
  c.tables.emplace("public.accounts", accounts);
  Table logs;
  logs.schema = "public";
  logs.name = "logs";
  logs.columns = {{"line", "text", false, std::nullopt, std::nullopt, false, false, false}};
  c.tables.emplace("public.logs", logs);
  return c;
}

inline orchestrate::PlanWork render(const std::string& changes) {
  return orchestrate::render_plan(
      orchestrate::parse_plan_text("name: p\nchanges:\n" + changes, "p.yaml"), catalog(), {.stable_shapes = false});
}

// The message of the plan error that planning `changes` raises, or "" when none.
inline std::string plan_error(const std::string& changes) {
  try {
    render(changes);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

inline bool has_step(const orchestrate::PhaseWork& w, const std::string& needle) {
  return std::any_of(w.steps.begin(), w.steps.end(), [&](const orchestrate::Step& s) {
    return s.sql.find(needle) != std::string::npos;
  });
}

inline bool has_check(const orchestrate::PhaseWork& w, const std::string& id) {
  return std::any_of(w.gate.begin(), w.gate.end(),
                     [&](const orchestrate::Check& c) { return c.id == id; });
}

inline bool rollback_has(const orchestrate::PlanWork& w,
                         orchestrate::Phase phase,
                         const std::string& needle) {
  const auto& steps = w.rollback[static_cast<int>(phase)];
  return std::any_of(steps.begin(), steps.end(), [&](const orchestrate::Step& s) {
    return s.sql.find(needle) != std::string::npos;
  });
}

} // namespace kinds_basic
