#include <doctest/doctest.h>

#include "db/conninfo.hpp"

using namespace orchestrate;

TEST_SUITE_BEGIN("db_conninfo");

TEST_CASE("a URI gets a URL-encoded options parameter, keeping its password and fragment") {
  CHECK(url_with_options("postgresql://app:s3cret@db:5432/app", "-c search_path=\"add-x\",public") ==
        "postgresql://app:s3cret@db:5432/app?options=-c%20search_path%3D%22add-x%22%2Cpublic");
  CHECK(url_with_options("postgres://db/app?sslmode=require", "-c search_path=v1,public") ==
        "postgres://db/app?sslmode=require&options=-c%20search_path%3Dv1%2Cpublic");
}

TEST_CASE("a key=value string gets a quoted options keyword, an empty one only the keyword") {
  CHECK(url_with_options("host=/tmp dbname=app", "-c search_path=\"add-x\",public") ==
        "host=/tmp dbname=app options='-c search_path=\"add-x\",public'");
  CHECK(url_with_options("", "-c search_path=v1,public") == "options='-c search_path=v1,public'");
}

TEST_SUITE_END();
