#include <doctest/doctest.h>

#include "kinds_basic_catalog.hpp"

namespace test_changes_add_column {

using namespace orchestrate;
using namespace kinds_basic;

TEST_SUITE_BEGIN("changes_add_column");

TEST_CASE("a nullable column with a constant default is one metadata-only ADD COLUMN") {
  auto w = render("  - add_column: {table: users, column: locale, type: text, default: \"'en'\"}\n");
  const auto& expand = w.at(Phase::expand);
  REQUIRE(expand.steps.size() == 1);
  CHECK(expand.steps[0].sql ==
        "ALTER TABLE \"public\".\"users\" ADD COLUMN IF NOT EXISTS \"locale\" text DEFAULT 'en'");
  CHECK(has_check(expand, "add_column.users.locale.column"));
  for (Phase p : {Phase::dual_write, Phase::backfill, Phase::transition}) {
    CHECK(w.at(p).steps.empty());
    CHECK(w.at(p).backfills.empty());
  }
  CHECK(w.at(Phase::contract).steps.empty());
  CHECK(rollback_has(w, Phase::expand, "DROP COLUMN IF EXISTS \"locale\""));
}

TEST_CASE("a NOT NULL column with a fill is a column transition with a marker and a backfill") {
  auto w = render("  - add_column:\n      table: users\n      column: handle\n      type: text\n"
                  "      nullable: false\n      fill: lower(name)\n");
  const auto& expand = w.at(Phase::expand);
  REQUIRE(expand.steps.size() == 1);
  CHECK(expand.steps[0].sql ==
        "ALTER TABLE \"public\".\"users\"\n  ADD COLUMN IF NOT EXISTS \"handle\" text,\n"
        "  ADD COLUMN IF NOT EXISTS \"_orc_side_users_handle\" \"char\" NOT NULL DEFAULT '0'");

  const auto& dw = w.at(Phase::dual_write);
  REQUIRE(dw.steps.size() == 2);
  const std::string& sync = dw.steps[0].sql;
  CHECK(sync.find("CREATE OR REPLACE FUNCTION \"public\".\"_orc_sync_users_handle\"()") !=
        std::string::npos);
  // The old application's rows get the column's value, else the fill; the new application's
  // writes (an explicit NULL included) are kept as given.
  CHECK(sync.find("_up0 := (COALESCE(\"handle\", (lower(name))))") != std::string::npos);
  CHECK(sync.find("\"handle\" text := NEW.\"handle\"") != std::string::npos);
  CHECK(sync.find("LANGUAGE plpgsql SET search_path = pg_catalog, \"public\"") != std::string::npos);
  CHECK(sync.find("BEFORE INSERT ON") != std::string::npos);
  CHECK(sync.find("orchestrate.backfill") == std::string::npos);
  // The check comes after the trigger, so no write of the old application is refused.
  CHECK(dw.steps[1].sql.find("CHECK (\"handle\" IS NOT NULL) NOT VALID") != std::string::npos);
  CHECK(has_check(dw, "add_column.users.handle.probe_unreached"));

  const auto& bf = w.at(Phase::backfill);
  REQUIRE(bf.backfills.size() == 1);
  CHECK(bf.backfills[0].assignments ==
        "\"handle\" = (COALESCE(\"handle\", (lower(name)))), \"_orc_side_users_handle\" = 'b'");
  CHECK(bf.backfills[0].differs == "\"_orc_side_users_handle\" = '0'");
  CHECK(bf.gate.size() == 1);

  const auto& tr = w.at(Phase::transition);
  CHECK(has_step(tr, "VALIDATE CONSTRAINT \"_orc_nn_users_handle\""));
  CHECK(has_step(tr, "ALTER COLUMN \"handle\" SET NOT NULL"));
  CHECK(has_check(tr, "add_column.users.handle.not_null"));

  const auto& c = w.at(Phase::contract);
  REQUIRE(c.steps.size() == 1);
  CHECK(c.steps[0].sql.find("DROP TRIGGER IF EXISTS \"_orc_sync_ins_users_handle\"") !=
        std::string::npos);
  CHECK(c.steps[0].sql.find("DROP COLUMN IF EXISTS \"_orc_side_users_handle\"") !=
        std::string::npos);
  CHECK(has_check(c, "add_column.users.handle.no_helpers"));

  for (Phase p : {Phase::expand, Phase::dual_write, Phase::backfill, Phase::transition}) {
    CHECK(w.rollback[static_cast<int>(p)].size() == 1);
    CHECK(rollback_has(w, p, "DROP FUNCTION IF EXISTS \"public\".\"_orc_sync_users_handle\"()"));
    CHECK(rollback_has(w, p, "DROP COLUMN IF EXISTS \"handle\""));
  }
}

TEST_CASE("a volatile default is set for new rows only and reaches old rows by backfill") {
  auto w = render("  - add_column: {table: users, column: token, type: uuid, default: "
                  "gen_random_uuid()}\n");
  const auto& expand = w.at(Phase::expand);
  REQUIRE(expand.steps.size() == 1);
  CHECK(expand.steps[0].sql.find("ADD COLUMN IF NOT EXISTS \"token\" uuid,\n  ALTER COLUMN "
                                 "\"token\" SET DEFAULT gen_random_uuid()") != std::string::npos);
  REQUIRE(w.at(Phase::backfill).backfills.size() == 1);
  CHECK(w.at(Phase::backfill).backfills[0].assignments ==
        "\"token\" = (COALESCE(\"token\", (gen_random_uuid()))), \"_orc_side_users_token\" = 'b'");
  // now() is stable: part of ADD COLUMN, no backfill.
  auto stable = render("  - add_column: {table: users, column: seen_at, type: timestamptz, "
                       "default: now()}\n");
  CHECK(stable.at(Phase::backfill).backfills.empty());
  CHECK(has_step(stable.at(Phase::expand), "\"seen_at\" timestamptz DEFAULT now()"));
}

TEST_CASE("unique, check and references go through concurrent and NOT VALID steps") {
  auto w = render("  - add_column:\n      table: accounts\n      column: owner_id\n"
                  "      type: bigint\n      unique: true\n      check: owner_id > 0\n"
                  "      references: users(id)\n");
  const auto& expand = w.at(Phase::expand);
  CHECK(has_step(expand, "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"accounts_owner_id_key\" "
                         "ON \"public\".\"accounts\" USING btree (\"owner_id\")"));
  CHECK(has_step(expand, "ADD CONSTRAINT \"accounts_owner_id_check\" CHECK (owner_id > 0) NOT VALID"));
  CHECK(has_step(expand, "ADD CONSTRAINT \"accounts_owner_id_fkey\" FOREIGN KEY (\"owner_id\") "
                         "REFERENCES \"public\".\"users\" (\"id\") NOT VALID"));
  const auto& tr = w.at(Phase::transition);
  CHECK(has_step(tr, "VALIDATE CONSTRAINT \"accounts_owner_id_check\""));
  CHECK(has_step(tr, "VALIDATE CONSTRAINT \"accounts_owner_id_fkey\""));
  CHECK(has_step(tr, "UNIQUE USING INDEX \"accounts_owner_id_key\""));
  CHECK(has_check(tr, "add_column.accounts.owner_id.validated.accounts_owner_id_fkey"));
  // The mapping form of references says the same.
  auto map = render("  - add_column: {table: accounts, column: owner_id, type: bigint, "
                    "references: {table: users, column: id}}\n");
  CHECK(has_step(map.at(Phase::expand), "REFERENCES \"public\".\"users\" (\"id\") NOT VALID"));
}

TEST_CASE("a later change in the same plan sees the added column") {
  auto w = render("  - add_column: {table: users, column: locale, type: text}\n"
                  "  - create_index: {table: users, name: users_locale_idx, columns: [locale]}\n");
  CHECK(has_step(w.at(Phase::expand), "USING btree (\"locale\")"));
}

TEST_CASE("add_column refuses what cannot apply, at the offending field") {
  CHECK(plan_error("  - add_column: {table: users, column: email, type: text}\n")
            .find("p.yaml:3:40: column users.email already exists") != std::string::npos);
  CHECK(plan_error("  - add_column: {table: nobody, column: x, type: text}\n")
            .find("p.yaml:3:25: table public.nobody does not exist") != std::string::npos);
  CHECK(plan_error("  - add_column: {table: users, column: x, type: text, nullable: false}\n")
            .find("neither 'default' nor 'fill'") != std::string::npos);
  CHECK(plan_error("  - add_column: {table: users, column: x, type: text, references: nope(id)}\n")
            .find("table public.nope does not exist") != std::string::npos);
  CHECK(plan_error("  - add_column: {table: users, column: x, type: text, references: users}\n")
            .find("must look like table(column)") != std::string::npos);
  CHECK(plan_error("  - add_column: {table: logs, column: x, type: text, fill: line}\n")
            .find("no primary key") != std::string::npos);
  CHECK(plan_error("  - add_column: {table: users, column: x, type: bigserial}\n")
            .find("rewrite the table") != std::string::npos);
  CHECK(plan_error("  - add_column: {table: users, column: x, type: int GENERATED ALWAYS AS "
                   "IDENTITY}\n")
            .find("rewrite the table") != std::string::npos);
  CHECK(plan_error("  - add_column: {table: users, column: x, type: text, colour: red}\n")
            .find("unknown key 'colour'") != std::string::npos);
}

TEST_CASE("two changes of the same new column conflict") {
  CHECK(plan_error("  - add_column: {table: users, column: x, type: text}\n"
                   "  - drop_column: {table: users, column: x}\n")
            .find("conflicting changes") != std::string::npos);
}

TEST_CASE("add_column names its unique, check and foreign key as the plan says, with NO INHERIT "
          "and the reference's actions, match and deferral") {
  auto w = render("  - add_column: {table: accounts, column: owner_id, type: bigint, unique: true, "
                  "unique_name: accounts_owner_uq, check: owner_id > 0, check_name: "
                  "accounts_owner_positive, check_no_inherit: true, references: {table: users, "
                  "column: id, name: accounts_owner_fk, on_delete: set_null, on_update: cascade, "
                  "match: full, deferrable: true, initially_deferred: true}}\n");
  const auto& expand = w.at(Phase::expand);
  CHECK(has_step(expand, "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"accounts_owner_uq\""));
  CHECK(has_step(expand, "ADD CONSTRAINT \"accounts_owner_positive\" CHECK (owner_id > 0) NO "
                         "INHERIT NOT VALID"));
  CHECK(has_step(expand, "ADD CONSTRAINT \"accounts_owner_fk\" FOREIGN KEY (\"owner_id\") "
                         "REFERENCES \"public\".\"users\" (\"id\") MATCH FULL ON DELETE SET NULL "
                         "ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED NOT VALID"));
  const auto& tr = w.at(Phase::transition);
  CHECK(has_step(tr, "VALIDATE CONSTRAINT \"accounts_owner_positive\""));
  CHECK(has_step(tr, "VALIDATE CONSTRAINT \"accounts_owner_fk\""));
  CHECK(has_step(tr, "ADD CONSTRAINT \"accounts_owner_uq\" UNIQUE USING INDEX "
                     "\"accounts_owner_uq\""));
  // Unnamed, they keep PostgreSQL's names.
  w = render("  - add_column: {table: accounts, column: owner_id, type: bigint, references: "
             "{table: users, column: id, on_delete: cascade}}\n");
  CHECK(has_step(w.at(Phase::expand), "ADD CONSTRAINT \"accounts_owner_id_fkey\" FOREIGN KEY "
                                      "(\"owner_id\") REFERENCES \"public\".\"users\" (\"id\") ON "
                                      "DELETE CASCADE NOT VALID"));
  // Later changes see the names.
  CHECK(plan_error("  - add_column: {table: accounts, column: c, type: int, check: c > 0, "
                   "check_name: c_positive}\n"
                   "  - add_check: {table: accounts, name: c_positive, check: c < 9}\n")
            .find("p.yaml:4:40: add_check: the name c_positive is already taken") !=
        std::string::npos);
}

TEST_CASE("add_column refuses names that are taken or given twice, at the name, and options "
          "without what they qualify") {
  CHECK(plan_error("  - add_column: {table: accounts, column: c, type: int, unique: true, "
                   "unique_name: users_pkey}\n")
            .find("p.yaml:3:84: add_column: the name users_pkey it would give its index or "
                  "constraint is already taken") != std::string::npos);
  CHECK(plan_error("  - add_column: {table: accounts, column: c, type: int, check: c > 0, "
                   "check_name: accounts_user_id_fkey}\n")
            .find("the name accounts_user_id_fkey it would give") != std::string::npos);
  CHECK(plan_error("  - add_column: {table: accounts, column: c, type: int, check: c > 0, "
                   "check_name: k, references: {table: users, column: id, name: k}}\n")
            .find("the name k it would give") != std::string::npos);
  CHECK(plan_error("  - add_column: {table: accounts, column: c, type: int, unique_name: k}\n")
            .find("'unique_name' names the constraint of 'unique: true'") != std::string::npos);
  CHECK(plan_error("  - add_column: {table: accounts, column: c, type: int, check_no_inherit: "
                   "true}\n")
            .find("'check_name' and 'check_no_inherit' go with 'check'") != std::string::npos);
  CHECK(plan_error("  - add_column: {table: accounts, column: c, type: int, references: {table: "
                   "users, column: id, match: partial}}\n")
            .find("'match' must be simple or full") != std::string::npos);
}

TEST_SUITE_END();

} // namespace test_changes_add_column
