#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>

#include "core/errors.hpp"
#include "fleet/targets.hpp"
#include "fleet/targets_schema.hpp"
#include "schema_subset.hpp"

namespace test_fleet_targets {

using namespace orchestrate;
using schema_subset::to_json;
using schema_subset::valid;

namespace {
// The error a targets text produces, as "line:col: message" without the file name.
std::string error_of(const std::string& text) {
  try {
    parse_targets_text(text, "fleet.yaml");
  } catch (const PlanError& e) {
    return std::to_string(e.line()) + ":" + std::to_string(e.column()) + ": " + e.message();
  }
  return "no error";
}

const char* k_fleet = R"(waves:
  - name: canary
    parallel: 1
    targets:
      - {name: eu-1, url_env: EU1_URL, backfill: {max_replica_lag: 2s, replicas: [eu-1-standby]}}
  - name: rest
    parallel: 4
    targets:
      - name: us-1
        url: "postgresql:///app?host=/run/pg"
      - {name: us-2, url_env: US2_URL}
)";
} // namespace

TEST_SUITE_BEGIN("fleet_targets");

TEST_CASE("parses waves in order with their parallel limits and each target's own throttles") {
  const Targets t = parse_targets_text(k_fleet, "fleet.yaml");
  REQUIRE(t.waves.size() == 2);
  CHECK(t.waves[0].name.value == "canary");
  CHECK(t.waves[0].parallel == 1);
  REQUIRE(t.waves[0].targets.size() == 1);
  const Target& eu = t.waves[0].targets[0];
  CHECK(eu.name.value == "eu-1");
  CHECK(eu.url_env->value == "EU1_URL");
  CHECK_FALSE(eu.url);
  CHECK(*eu.backfill.max_replica_lag == "2s");
  CHECK(eu.backfill.replicas == std::vector<std::string>{"eu-1-standby"});
  CHECK(t.waves[1].parallel == 4);
  REQUIRE(t.waves[1].targets.size() == 2);
  CHECK(t.waves[1].targets[0].url->value == "postgresql:///app?host=/run/pg");
  CHECK_FALSE(t.waves[1].targets[0].backfill.max_replica_lag);
  CHECK(t.waves[1].targets[1].name.mark.line == 11);
}

TEST_CASE("parallel defaults to one") {
  const Targets t = parse_targets_text("waves:\n  - name: all\n    targets: [{name: a, url: x}]\n",
                                       "f.yaml");
  CHECK(t.waves[0].parallel == 1);
}

TEST_CASE("a target's URL comes from its environment variable, and an unset one is an error at "
          "the target") {
  const Targets t = parse_targets_text(k_fleet, "fleet.yaml");
  ::setenv("EU1_URL", "postgresql:///eu1", 1);
  CHECK(target_url(t, t.waves[0].targets[0]) == "postgresql:///eu1");
  CHECK(target_url(t, t.waves[1].targets[0]) == "postgresql:///app?host=/run/pg");
  ::unsetenv("US2_URL");
  try {
    (void)target_url(t, t.waves[1].targets[1]);
    FAIL("an unset url_env must be refused");
  } catch (const PlanError& e) {
    CHECK(std::string(e.what()) ==
          "fleet.yaml:11:31: target us-2: the environment variable US2_URL (url_env) is not set");
  }
}

TEST_CASE("bad targets files are refused at the offending position") {
  SUBCASE("no waves") {
    CHECK(error_of("{}") == "1:1: targets file: missing required field 'waves'");
  }
  SUBCASE("an empty list of waves") {
    CHECK(error_of("waves: []") ==
          "1:8: 'waves' must be a non-empty list (the first wave is the canary)");
  }
  SUBCASE("an unknown key") {
    CHECK(error_of("waves:\n  - name: w\n    paralel: 2\n    targets: [{name: a, url: x}]\n")
              .find("3:5: ") == 0);
  }
  SUBCASE("parallel below one") {
    CHECK(error_of("waves:\n  - name: w\n    parallel: 0\n    targets: [{name: a, url: x}]\n")
              .find("3:15: ") == 0);
  }
  SUBCASE("an empty wave") {
    CHECK(error_of("waves:\n  - name: w\n    targets: []\n") ==
          "3:14: wave w: 'targets' must be a non-empty list");
  }
  SUBCASE("neither url nor url_env") {
    CHECK(error_of("waves:\n  - name: w\n    targets:\n      - name: a\n") ==
          "4:9: target a: 'url' or 'url_env' (an environment variable holding the URL) is "
          "required");
  }
  SUBCASE("both url and url_env") {
    CHECK(error_of("waves:\n  - name: w\n    targets:\n      - {name: a, url: x, url_env: A}\n") ==
          "4:36: target a: give either 'url' or 'url_env', not both");
  }
  SUBCASE("a url_env that is not a variable name") {
    CHECK(error_of("waves:\n  - name: w\n    targets: [{name: a, url_env: 'postgres://x'}]\n")
              .find("3:34: target a: 'url_env' must name an environment variable") == 0);
  }
  SUBCASE("a target named twice, in another wave") {
    CHECK(error_of("waves:\n  - name: w\n    targets: [{name: a, url: x}]\n  - name: v\n"
                   "    targets: [{name: a, url: y}]\n") ==
          "5:22: target a is named twice (first at line 3)");
  }
  SUBCASE("a wave named twice") {
    CHECK(error_of("waves:\n  - name: w\n    targets: [{name: a, url: x}]\n  - name: w\n"
                   "    targets: [{name: b, url: y}]\n") ==
          "4:11: wave w is named twice (first at line 2)");
  }
  SUBCASE("a bad target name") {
    CHECK(error_of("waves:\n  - name: w\n    targets: [{name: 'a b', url: x}]\n")
              .find("3:22: target name 'a b' must be") == 0);
  }
  SUBCASE("a malformed throttle of one target") {
    CHECK(error_of("waves:\n  - name: w\n    targets:\n      - name: a\n        url: x\n"
                   "        backfill: {max_replica_lag: soon}\n") ==
          "6:37: backfill: 'max_replica_lag' must be a duration like 10s, got 'soon'");
  }
  SUBCASE("YAML that does not parse") {
    CHECK(error_of("waves: [").find("YAML error") != std::string::npos);
  }
}

TEST_CASE("the targets schema accepts the example and refuses what the parser refuses") {
  const auto s = targets_json_schema();
  CHECK(s["$schema"] == "https://json-schema.org/draft/2020-12/schema");
  CHECK(valid(to_json(YAML::Load(k_fleet)), s));
  CHECK_FALSE(valid(to_json(YAML::Load("waves: [{name: w, targets: [{name: a}]}]")), s));
  CHECK_FALSE(valid(to_json(YAML::Load("waves: [{name: w, targets: [{name: a, url: x, "
                                       "url_env: A}]}]")),
                    s));
  CHECK_FALSE(valid(to_json(YAML::Load("waves: [{name: w, parallel: 0, targets: [{name: a, "
                                       "url: x}]}]")),
                    s));
  CHECK_FALSE(valid(to_json(YAML::Load("waves: [{name: w, targets: [{name: a, url: x, "
                                       "backfill: {max_replica_lag: soon}}]}]")),
                    s));
}

TEST_SUITE_END();

} // namespace test_fleet_targets
