#include <doctest/doctest.h>

#include "core/errors.hpp"
#include "db/conninfo.hpp"

namespace test_db_conninfo {

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

TEST_CASE("a connection string for another role keeps the place and drops every credential") {
  const std::string uri = url_for_role(
      "postgresql://app_owner:ownerpw@db.internal:6432/app?sslmode=require&sslkey=/k&"
      "sslpassword=kpw&passfile=/p",
      "app_rw");
  CHECK(uri.find("user='app_rw'") == 0);
  CHECK(uri.find("host='db.internal'") != std::string::npos);
  CHECK(uri.find("port='6432'") != std::string::npos);
  CHECK(uri.find("dbname='app'") != std::string::npos);
  CHECK(uri.find("sslmode='require'") != std::string::npos);
  for (const char* secret : {"app_owner", "ownerpw", "password", "sslkey", "kpw", "passfile"}) {
    CAPTURE(secret);
    CHECK(uri.find(secret) == std::string::npos);
  }
  const std::string kv =
      url_for_role("host=/tmp port=5433 dbname=app user=app_owner password='o w'", "app_rw");
  CHECK(kv.find("user='app_rw'") == 0);
  CHECK(kv.find("host='/tmp'") != std::string::npos);
  CHECK(kv.find("dbname='app'") != std::string::npos);
  CHECK(kv.find("app_owner") == std::string::npos);
  CHECK(kv.find("o w") == std::string::npos);
  CHECK_THROWS_AS(url_for_role("host=/tmp password='unterminated", "x"), InputError);
}

TEST_CASE("the options alone are what PGOPTIONS takes") {
}

TEST_SUITE_END();

TEST_CASE("url --format prints each form a driver takes") {
  const AppConnection app{"-c search_path=\"p\",\"public\" -c orchestrate.new_app=p",
                          "\"p\",\"public\"", "-c orchestrate.new_app=p"};
  const std::string kv = "host=/tmp/pg port=5433 dbname=app user=app";
  CHECK(format_connection(kv, app, UrlFormat::uri) ==
        "postgresql://app@%2Ftmp%2Fpg:5433/app?options=-c%20search_path%3D%22p%22%2C%22public%22"
        "%20-c%20orchestrate.new_app%3Dp");
  CHECK(format_connection(kv, app, UrlFormat::keyvalue) ==
        "user='app' dbname='app' host='/tmp/pg' port='5433' options='-c "
        "search_path=\"p\",\"public\" -c orchestrate.new_app=p'");
  CHECK(format_connection(kv, app, UrlFormat::pgoptions) ==
        "PGOPTIONS='-c search_path=\"p\",\"public\" -c orchestrate.new_app=p'");
  CHECK(format_connection("postgresql://app:pw@db:5432/app?sslmode=require", app,
                          UrlFormat::jdbc) ==
        "jdbc:postgresql://db:5432/app?user=app&password=pw&sslmode=require&currentSchema=%22p%"
        "22%2C%22public%22&options=-c%20orchestrate.new_app%3Dp");
  CHECK(format_connection(kv, app, UrlFormat::django) ==
        "# settings.py, in DATABASES[\"default\"]: libpq takes these options at connect\n"
        "\"OPTIONS\": {\"options\": \"-c search_path=\\\"p\\\",\\\"public\\\" -c "
        "orchestrate.new_app=p\"},");
  // A URI keeps its own form; JDBC cannot reach a socket.
  CHECK(format_connection("postgresql://db/app", app, UrlFormat::uri).rfind(
            "postgresql://db/app?options=", 0) == 0);
  CHECK_THROWS_AS(format_connection(kv, app, UrlFormat::jdbc), InputError);
  CHECK(parse_url_format("jdbc") == UrlFormat::jdbc);
  CHECK_FALSE(parse_url_format("odbc"));
}

} // namespace test_db_conninfo
