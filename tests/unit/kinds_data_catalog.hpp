#pragma once

#include <algorithm>
#include <string>

#include "core/catalog.hpp"
#include "core/errors.hpp"
#include "plan/parse.hpp"
#include "planner/planner.hpp"

// The example application's tables as the data-copying change kinds' unit tests need them.
namespace kinds_data {

using namespace orchestrate;

inline Catalog catalog() {
  Catalog c;
  c.schemas = {"public"};
  Table users;
  users.schema = "public";
  users.name = "users";
  users.columns = {{"id", "bigint", true, std::nullopt, std::nullopt, false, true, false},
                   {"name", "text", true, std::nullopt, std::nullopt, false, false, false},
                   {"email", "text", false, std::nullopt, std::nullopt, false, false, false},
                   {"nickname", "text", false, std::nullopt, std::nullopt, false, false, false}};
  users.indexes = {{"users_pkey", "CREATE UNIQUE INDEX users_pkey ON public.users USING btree (id)",
                    {"id"}, true, true, true, false, "users_pkey"},
                   {"users_email_key",
                    "CREATE UNIQUE INDEX users_email_key ON public.users USING btree (email)",
                    {"email"}, true, false, true, false, "users_email_key"}};
  users.constraints = {{"users_email_key", 'u', "UNIQUE (email)", {"email"}, true, "", {}}};
  c.tables.emplace("public.users", users);

  Table accounts;
  accounts.schema = "public";
  accounts.name = "accounts";
  accounts.columns = {{"id", "integer", true, std::nullopt, std::nullopt, false, false, false},
                      {"user_id", "bigint", false, std::nullopt, std::nullopt, false, false, false},
                      {"balance", "integer", true, std::nullopt, "0", false, false, false}};
  accounts.indexes = {
      {"accounts_pkey", "CREATE UNIQUE INDEX accounts_pkey ON public.accounts USING btree (id)",
       {"id"}, true, true, true, false, "accounts_pkey"},
      {"accounts_balance_idx",
       "CREATE INDEX accounts_balance_idx ON public.accounts USING btree (balance)", {"balance"},
       false, false, true, false, std::nullopt}};
  accounts.constraints = {
      {"accounts_balance_check", 'c', "CHECK ((balance > '-1000'::integer))", {"balance"}, true,
       "", {}}};
  c.tables.emplace("public.accounts", accounts);
  return c;
}

inline PlanWork render(const std::string& change) {
  return render_plan(parse_plan_text("name: p\nchanges:\n  - " + change + "\n", "p.yaml"),
                     catalog(), {.stable_shapes = false});
}

inline bool has_step(const PhaseWork& w, const std::string& needle) {
  return std::any_of(w.steps.begin(), w.steps.end(),
                     [&](const Step& s) { return s.sql.find(needle) != std::string::npos; });
}

inline bool has_check(const PhaseWork& w, const std::string& id) {
  return std::any_of(w.gate.begin(), w.gate.end(), [&](const Check& c) { return c.id == id; });
}

// "line:col: message" of the plan error `change` raises, or "no error".
inline std::string error_of(const std::string& change) {
  try {
    render(change);
  } catch (const PlanError& e) {
    return std::to_string(e.line()) + ":" + std::to_string(e.column()) + ": " + e.message();
  }
  return "no error";
}

} // namespace kinds_data

namespace kinds_data {
// "3:<col>" of the first occurrence of `what` in `change` as render() lays it out.
inline std::string at(const std::string& change, const std::string& what) {
  return "3:" + std::to_string(4 + change.find(what) + 1);
}
} // namespace kinds_data
