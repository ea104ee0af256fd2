#pragma once

#include <string>

#include "kinds_basic_catalog.hpp"

// The schema the unit tests of the catalog-only kinds (drop_index, rename_constraint,
// set_replica_identity, set_comment, set_default) plan against: kinds_basic's, plus indexes of
// every shape REPLICA IDENTITY cares about, a check, and comments.
namespace kinds_meta {

inline orchestrate::Catalog catalog() {
  using namespace orchestrate;
  Catalog c = kinds_basic::catalog();
  Table& users = c.tables.at("public.users");
  users.comment = "people who log in";
  users.column("email")->comment = "where we write to them";
  users.column("email")->not_null = true;
  users.column("nickname")->not_null = false;
  users.indexes.push_back({"users_name_idx", "CREATE INDEX users_name_idx ON public.users USING "
                           "btree (name)", {"name"}, false, false, true, false, std::nullopt});
  users.indexes.push_back({"users_email_key", "CREATE UNIQUE INDEX users_email_key ON "
                           "public.users USING btree (email)", {"email"}, true, false, true,
                           false, "users_email_key"});
  users.constraints.push_back({"users_email_key", 'u', "UNIQUE (email)", {"email"}, true, "", {}});
  // Unique over a NOT NULL column, not backing a constraint: fit for REPLICA IDENTITY.
  users.indexes.push_back({"users_email_idx", "CREATE UNIQUE INDEX users_email_idx ON "
                           "public.users USING btree (email)", {"email"}, true, false, true,
                           false, std::nullopt});
  // Unique, but over a nullable column, partial, or deferrable.
  users.indexes.push_back({"users_nickname_idx", "CREATE UNIQUE INDEX users_nickname_idx ON "
                           "public.users USING btree (nickname)", {"nickname"}, true, false, true,
                           false, std::nullopt});
  Index partial{"users_email_partial_idx", "CREATE UNIQUE INDEX users_email_partial_idx ON "
                "public.users USING btree (email) WHERE (id > 0)", {"email"}, true, false, true,
                true, std::nullopt};
  partial.partial = true;
  users.indexes.push_back(partial);
  Index deferred{"users_email_deferred", "CREATE UNIQUE INDEX users_email_deferred ON "
                 "public.users USING btree (email)", {"email"}, true, false, true, false,
                 std::nullopt};
  deferred.immediate = false;
  users.indexes.push_back(deferred);
  for (const auto& i : users.indexes) {
    c.relations.insert("public." + i.name);
  }
  c.relations.insert("public.users");
  c.relations.insert("public.accounts");
  c.relations.insert("public.logs");
  Table& accounts = c.tables.at("public.accounts");
  accounts.constraints.push_back({"balance_positive", 'c', "CHECK ((balance >= 0))", {"balance"},
                                  true, "", {}});
  accounts.replica_identity = 'f';
  return c;
}

inline orchestrate::PlanWork render(const std::string& changes,
                                    orchestrate::RenderOptions options = {.stable_shapes = false}) {
  return orchestrate::render_plan(
      orchestrate::parse_plan_text("name: p\nchanges:\n" + changes, "p.yaml"), catalog(), options);
}

inline std::string plan_error(const std::string& changes) {
  try {
    render(changes);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

} // namespace kinds_meta
