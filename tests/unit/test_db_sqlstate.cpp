#include <doctest/doctest.h>

#include "db/sqlstate.hpp"

namespace test_db_sqlstate {

using namespace orchestrate;

TEST_SUITE_BEGIN("db_sqlstate");

TEST_CASE("an error libpqxx reports without its SQLSTATE gets it back from its type") {
  CHECK(sqlstate_of(pqxx::insufficient_privilege("ERROR:  permission denied for database app")) ==
        "42501");
  CHECK(sqlstate_of(pqxx::deadlock_detected("ERROR:  deadlock detected")) == "40P01");
  CHECK(sqlstate_of(pqxx::serialization_failure("ERROR:  could not serialize")) == "40001");
  CHECK(describe_db_error(pqxx::insufficient_privilege("ERROR:  permission denied\n")) ==
        "[42501] ERROR:  permission denied");
}

TEST_CASE("an error that carries its SQLSTATE keeps it, one without any gets none") {
  CHECK(sqlstate_of(pqxx::sql_error("ERROR:  x", "SELECT 1", "55P03")) == "55P03");
  CHECK(sqlstate_of(pqxx::insufficient_privilege("ERROR:  x", "SELECT 1", "42501")) == "42501");
  CHECK(sqlstate_of(pqxx::broken_connection("server closed the connection")) == "");
  CHECK(describe_db_error(pqxx::broken_connection("gone\n")) == "gone");
}

TEST_SUITE_END();

} // namespace test_db_sqlstate
