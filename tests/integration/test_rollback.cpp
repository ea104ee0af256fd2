#include <doctest/doctest.h>

#include "fixture.hpp"
#include "writes.hpp"
#include "app/verify.hpp"
#include "app/writer.hpp"
#include "public_state.hpp"

namespace test_rollback {

TEST_SUITE_BEGIN("rollback");

TEST_CASE("rollback from every phase before contract leaves the schema as it was") {
  for (int phases = 1; phases <= 4; ++phases) {
    CAPTURE(phases);
    itest::TestDb db("rollback" + std::to_string(phases), 1000);
    example::WriterOptions options;
    options.url = db.url();
    example::Writer app(options);
    app.start(example::Version::old_app);
    REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
    const std::string before = db.dump();
    for (int i = 0; i < phases; ++i) {
      auto r = db.orchestrate({"next"});
      INFO(r.out << r.err);
      REQUIRE(r.exit_code == 0);
    }
    itest::wait_for_writes(app, 5);
    auto r = db.orchestrate({"rollback"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    itest::wait_for_writes(app, 5);
    app.stop();
    CHECK(app.errors() == 0);
    CHECK(db.dump() == before);
    auto report = example::verify_writes(db.url(), options, app.committed(), {"phone_number"});
    CHECK(report.ok());
    CHECK(plan_state(db) == "rolled_back");
    CHECK(db.orchestrate({"next", "rename-users-phone"}).exit_code == 2);
  }
}

TEST_CASE("rollback is refused once contract has run") {
  itest::TestDb db("rollback_done", 200);
  REQUIRE(db.orchestrate({"start", itest::rename_plan_path()}).exit_code == 0);
  for (int i = 0; i < 5; ++i) {
    REQUIRE(db.orchestrate({"next"}).exit_code == 0);
  }
  auto r = db.orchestrate({"rollback", "rename-users-phone"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("nothing to roll back") != std::string::npos);
}

TEST_SUITE_END();

} // namespace test_rollback
