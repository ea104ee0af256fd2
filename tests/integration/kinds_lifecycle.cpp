#include "kinds_lifecycle.hpp"
#include "writes.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "app/verify.hpp"
#include "app/writer.hpp"
#include "public_state.hpp"
#include "rollback_chain.hpp"

using namespace std::chrono_literals;
using itest::wait_for_writes;
using itest::wait_until;

namespace kinds_lifecycle {

namespace {

// The default probe: an insert, then an update of what it inserted. The writers update rows
// at random (their own column only), so a probe's exact values are in the name, which only
// the probe writes after the insert.
void probe_phone(App& app, int phase, Expected& expected) {
  const std::string who = std::string(app.new_app() ? "new" : "old") + std::to_string(phase);
  const long long id = std::stoll(app.run("INSERT INTO users (name, phone_number) VALUES ($1, "
                                          "$2) RETURNING id",
                                          "probe " + who + " a", "+1 " + who));
  app.run("UPDATE users SET name = $1 WHERE id = $2 RETURNING id", "probe " + who + " b", id);
  expected.rows[id] = {{"name", "probe " + who + " b"}};
}

void check_expected(const itest::TestDb& db, const Kind& k, const Expected& expected) {
  for (const auto& [id, columns] : expected.rows) {
    for (const auto& [column, value] : columns) {
      CAPTURE(id);
      CAPTURE(column);
      CHECK(db.value("SELECT coalesce(" + column + "::text, '<null>') FROM " + k.table +
                     " WHERE id = " + std::to_string(id)) == value);
    }
  }
}

bool no_helpers_left(const itest::TestDb& db) {
  return db.value("SELECT count(*) FROM pg_proc WHERE proname LIKE '\\_orc\\_%'") == "0" &&
         db.value("SELECT count(*) FROM pg_trigger WHERE tgname LIKE '\\_orc\\_%'") == "0" &&
         db.value("SELECT count(*) FROM pg_namespace WHERE nspname LIKE '%\\_old'") == "0";
}

std::string versions(const Kind& k) {
  return k.version_schema.empty() ? k.tag : k.version_schema;
}

} // namespace

App::App(const itest::TestDb& db, const std::string& search_path,
         const std::string& new_app_plan)
    : m_conn(db.url()), m_new(!new_app_plan.empty()) {
  m_conn.set_variable("search_path", search_path);
  if (m_new) {
    m_conn.set_variable("orchestrate.new_app", "'" + new_app_plan + "'");
  }
}

std::string plan_text(const Kind& k) {
  return "name: " + k.tag + "\n" +
         (k.version_schema.empty() ? "" : "version_schema: " + k.version_schema + "\n") +
         "changes:\n" + k.plan;
}

std::string new_search_path(const Kind& k) {
  return "\"" + versions(k) + "\", public";
}

std::string old_search_path(const Kind& k) {
  return "\"" + versions(k) + "_old\", public";
}

void lifecycle(const Kind& k) {
  itest::TestDb db(k.tag, k.rows);
  if (!k.setup.empty()) {
    db.exec(k.setup);
  }
  example::WriterOptions old_options;
  old_options.url = db.url();
  old_options.old_column = old_options.new_column = "phone_number";
  old_options.search_path = old_search_path(k);
  example::Writer old_writer(old_options);
  old_writer.start(example::Version::old_app);
  example::WriterOptions new_options;
  new_options.url = db.url();
  new_options.old_column = new_options.new_column = "email";
  new_options.search_path = new_search_path(k);
  new_options.new_app_plan = k.tag;
  example::Writer new_writer(new_options);

  auto r = db.orchestrate({"start", db.write_plan(k.tag + ".yaml", plan_text(k))});
  REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  k.after_phase(db, 0);
  Expected expected;
  const auto probe = k.probe ? k.probe : probe_phone;
  for (int phase = 1; phase <= 5; ++phase) {
    CAPTURE(phase);
    wait_for_writes(old_writer, 10);
    if (phase == 5) {
      old_writer.stop(); // the old application is retired before contract
    }
    if (phase >= 3) {
      wait_for_writes(new_writer, 10);
    }
    r = db.orchestrate({"next"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    if (phase == 2) {
      new_writer.start(example::Version::new_app);
    }
    k.after_phase(db, phase);
    if (phase < 5) {
      App old_app(db, old_search_path(k), "");
      probe(old_app, phase, expected);
    }
    App new_app(db, new_search_path(k), k.tag);
    probe(new_app, phase, expected);
  }
  wait_for_writes(new_writer, 10);
  new_writer.stop();
  CHECK(plan_state(db) == "done");
  for (auto* w : {&old_writer, &new_writer}) {
    INFO("writer errors: " << (w->error_messages().empty() ? "" : w->error_messages()[0]));
    CHECK(w->errors() == 0);
    CHECK(w->commits() > 0);
  }
  auto report = example::verify_writes(db.url(), old_options, old_writer.committed(),
                                       {"phone_number"});
  INFO("old: " << (report.samples.empty() ? "" : report.samples[0]));
  CHECK(report.checked == static_cast<long long>(old_writer.committed().size()));
  CHECK(report.ok());
  report = example::verify_writes(db.url(), new_options, new_writer.committed(), {"email"});
  INFO("new: " << (report.samples.empty() ? "" : report.samples[0]));
  CHECK(report.checked == static_cast<long long>(new_writer.committed().size()));
  CHECK(report.ok());
  check_expected(db, k, expected);
  CHECK(no_helpers_left(db));
}

void rollback_from_each_phase(const Kind& k) {
  std::string before;
  itest::RollbackChain chain;
  chain.tag = k.tag;
  chain.start = [&](const itest::TestDb& db) {
    if (!k.setup.empty()) {
      db.exec(k.setup);
    }
    before = db.dump();
    auto r = db.orchestrate({"start", db.write_plan(k.tag + ".yaml", plan_text(k))});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
  };
  chain.writer.old_column = chain.writer.new_column = "phone_number";
  chain.writer.search_path = old_search_path(k);
  chain.check = [&](const itest::TestDb& db, int) {
    CHECK(db.dump() == before);
    CHECK(no_helpers_left(db));
  };
  itest::rollback_from_each_phase(chain);
}

} // namespace kinds_lifecycle
