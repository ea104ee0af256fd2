#include <doctest/doctest.h>

#include "fixture.hpp"

TEST_SUITE_BEGIN("bad_input");

TEST_CASE("a plan naming a missing column exits 2 with its position and changes nothing") {
  itest::TestDb db("badplan", 100);
  const std::string before = db.dump();
  const std::string plan = db.write_plan(
      "bad.yaml", "name: bad\nchanges:\n  - rename_column: {table: users, from: phone_nr, to: "
                  "phone}\n");
  auto r = db.orchestrate({"validate", plan});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("bad.yaml:3:41: column users.phone_nr does not exist") != std::string::npos);
  r = db.orchestrate({"start", plan});
  CHECK(r.exit_code == 2);
  CHECK(db.dump() == before);
  CHECK(db.value("SELECT count(*) FROM pg_namespace WHERE nspname = 'orchestrate'") == "0");
}

TEST_CASE("a changed plan file cannot reuse a registered name") {
  itest::TestDb db("checksum", 100);
  const std::string a = db.write_plan(
      "a.yaml", "name: p\nchanges:\n  - rename_column: {table: users, from: phone_number, to: "
                "phone}\n");
  const std::string b = db.write_plan(
      "b.yaml", "name: p\nchanges:\n  - rename_column: {table: users, from: phone_number, to: "
                "tel}\n");
  REQUIRE(db.orchestrate({"start", a}).exit_code == 0);
  auto r = db.orchestrate({"start", b});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("already used by a plan with checksum") != std::string::npos);
}

TEST_CASE("unknown plan names, bad flags and bad durations exit 2") {
  itest::TestDb db("flags", 10);
  CHECK(db.orchestrate({"next", "nope"}).exit_code == 2);
  CHECK(db.orchestrate({"next", "--batch-size", "zero"}).exit_code == 2);
  CHECK(db.orchestrate({"--lock-timeout", "soon", "status"}).exit_code == 2);
  CHECK(db.orchestrate({"frobnicate"}).exit_code == 2);
}

TEST_CASE("passwords never reach the output") {
  auto r = test_support::run_process(
      {ORCHESTRATE_BIN, "--db", "postgresql://alice:s3cr3t-pw@127.0.0.1:1/db", "status"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("s3cr3t-pw") == std::string::npos);
  CHECK(r.err.find("alice:***@") != std::string::npos);
}

TEST_SUITE_END();
