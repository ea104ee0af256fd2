// explode_list under both applications writing: the old one writes posts.tag_ids ("3, 7"), the
// new one (connected with `orchestrate url`) writes post_tags rows. After every write both sides
// are checked exactly: the string as its writer wrote it (or, for the new application's
// writes, its items in order), the join rows as their writer wrote them (or the string's
// well-formed items). Rollback from every phase must leave pg_dump as it was and the strings as
// the model says.
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "fixture.hpp"

namespace test_explode_list {

namespace {

constexpr const char* k_setup = R"SQL(
DROP TABLE users;
CREATE TABLE tags (id int PRIMARY KEY, label text);
INSERT INTO tags SELECT i, 't' || i FROM generate_series(1, 10) i;
CREATE TABLE posts (id int PRIMARY KEY, title text, tag_ids text, note text DEFAULT '');
INSERT INTO posts (id, title, tag_ids)
  SELECT i, 'p' || i, CASE i % 4 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN (i % 10 + 1)::text
                      ELSE (i % 10 + 1) || ', ' || ((i + 3) % 10 + 1) END
  FROM generate_series(1, 20) i;
INSERT INTO posts (id, title, tag_ids) VALUES (21, 'bad', '3,x,99');
)SQL";

constexpr const char* k_plan =
    "name: tags\nchanges:\n  - explode_list: {table: posts, column: tag_ids, into: post_tags, "
    "references: tags(id), malformed: skip}\n";

struct Post {
  std::optional<std::string> list; // nullopt: NULL
  std::set<int> join;
  bool reached = true;
};

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t");
  return a == std::string::npos ? "" : s.substr(a, s.find_last_not_of(" \t") - a + 1);
}

class Run {
public:
  explicit Run(const std::string& name) : m_db(name, 0) {
    m_db.exec(k_setup);
    for (int t = 1; t <= 10; ++t) {
      m_tags.insert(t);
    }
    pqxx::connection c(m_db.url());
    pqxx::work tx(c);
    for (const auto& row : tx.exec("SELECT id, tag_ids FROM posts")) {
      Post p;
      if (!row[1].is_null()) {
        p.list = row[1].as<std::string>();
      }
      p.join = items(p.list);
      p.reached = false;
      m_posts[row[0].as<int>()] = p;
    }
    m_plan = m_db.write_plan("plan.yaml", k_plan);
  }

  itest::TestDb& db() { return m_db; }

  void next(const std::string& phase) {
    auto r = phase == "start" ? m_db.orchestrate({"start", m_plan}) : m_db.orchestrate({"next"});
    INFO(phase << ": " << r.out << r.err);
    REQUIRE(r.exit_code == 0);
    if (phase == "backfill") {
      for (auto& [id, p] : m_posts) {
        p.reached = true;
      }
    }
    m_contracted = phase == "contract";
    m_old_app = std::make_unique<pqxx::connection>(m_db.url());
    // After contract the plan is done: only the new application is left, with the plain URL.
    std::string u = m_db.url();
    if (!m_contracted) {
      auto url = m_db.orchestrate({"url"});
      REQUIRE(url.exit_code == 0);
      u = url.out;
      u.erase(u.find_last_not_of("\n") + 1);
    }
    m_new_app = std::make_unique<pqxx::connection>(u);
    check_all(phase);
  }

  // The string's well-formed items.
  std::set<int> items(const std::optional<std::string>& list) const {
    std::set<int> out;
    if (!list) {
      return out;
    }
    std::size_t start = 0;
    for (;;) {
      const auto comma = list->find(',', start);
      const std::string item = trim(list->substr(start, comma == std::string::npos ? comma : comma - start));
      if (!item.empty() && item.find_first_not_of("0123456789") == std::string::npos &&
          item.size() < 9 && m_tags.count(std::stoi(item)) != 0) {
        out.insert(std::stoi(item));
      }
      if (comma == std::string::npos) {
        return out;
      }
      start = comma + 1;
    }
  }

  static std::optional<std::string> canonical(const std::set<int>& join) {
    if (join.empty()) {
      return std::nullopt;
    }
    std::string out;
    for (int t : join) {
      out += (out.empty() ? "" : ",") + std::to_string(t);
    }
    return out;
  }

  void exec(bool new_app, const std::string& sql) {
    CAPTURE(sql);
    CAPTURE(new_app);
    pqxx::work tx(new_app ? *m_new_app : *m_old_app);
    tx.exec(sql);
    tx.commit();
  }

  // The old application writes the string of `id` (inserting the row when it is new).
  void old_writes(int id, const std::optional<std::string>& list) {
    const std::string value = list ? "'" + *list + "'" : "NULL";
    if (m_posts.count(id) == 0) {
      exec(false, "INSERT INTO posts (id, title, tag_ids) VALUES (" + std::to_string(id) +
                      ", 'o', " + value + ")");
    } else {
      exec(false, "UPDATE posts SET tag_ids = " + value + " WHERE id = " + std::to_string(id));
    }
    m_posts[id] = {list, items(list), true};
    check(id);
  }

  // The new application adds and removes join rows of `id` (inserting the post first when new).
  void new_writes(int id, const std::set<int>& add, const std::set<int>& remove) {
    const std::string key = std::to_string(id);
    pqxx::work tx(*m_new_app);
    if (m_posts.count(id) == 0) {
      tx.exec("INSERT INTO posts (id, title) VALUES (" + key + ", 'n')");
      m_posts[id] = {std::nullopt, {}, true};
    }
    for (int t : add) {
      tx.exec("INSERT INTO post_tags (post_id, tag_id) VALUES (" + key + ", " + std::to_string(t) +
              ") ON CONFLICT DO NOTHING");
    }
    for (int t : remove) {
      tx.exec("DELETE FROM post_tags WHERE post_id = " + key + " AND tag_id = " + std::to_string(t));
    }
    tx.commit();
    // A row not reached yet gets its string's items first: `join` holds them already.
    Post& p = m_posts[id];
    p.reached = true;
    for (int t : add) {
      p.join.insert(t);
    }
    for (int t : remove) {
      p.join.erase(t);
    }
    p.list = canonical(p.join);
    check(id);
  }

  void write_phase(const std::string& phase, int b, int p) {
    CAPTURE(phase);
    if (!m_contracted) {
      old_writes(b + 1, std::string("5, 2,5"));
      old_writes(b + 2, std::nullopt);
      old_writes(p, std::string("7"));
      old_writes(p + 1, std::string("1,x,99"));
      // An unrelated update changes neither side.
      exec(false, "UPDATE posts SET title = 'z' WHERE id = " + std::to_string(p + 2));
      check(p + 2);
    }
    new_writes(b + 4, {3, 1}, {});
    new_writes(p + 3, {9}, {});
    if (!m_contracted) {
      new_writes(b + 1, {}, {5});
    }
    new_writes(b + 4, {}, {3});
    exec(true, "DELETE FROM posts WHERE id = " + std::to_string(b + 4));
    m_posts.erase(b + 4);
    CHECK(m_db.value("SELECT count(*) FROM post_tags WHERE post_id = " + std::to_string(b + 4)) ==
          "0");
    // Unrelated updates by each application to every row: nothing changes, and no row is
    // rewritten from the other side.
    for (bool new_app : {false, true}) {
      exec(new_app, "UPDATE posts SET note = note || 'x'");
    }
    check_all(phase + " after unrelated updates");
  }

  // The old application deletes a tag: its join rows go, the strings keep naming it.
  void old_deletes_tag(int tag) {
    exec(false, "DELETE FROM tags WHERE id = " + std::to_string(tag));
    m_tags.erase(tag);
    for (auto& [id, p] : m_posts) {
      p.join.erase(tag);
    }
    check_all("tag deleted");
  }

  void check_all(const std::string& when) {
    CAPTURE(when);
    for (const auto& [id, p] : m_posts) {
      check(id);
    }
  }

  std::string strings() const {
    std::string out;
    for (const auto& [id, p] : m_posts) {
      out += std::to_string(id) + ":" + p.list.value_or("~") + ",";
    }
    return out;
  }

private:
  void check(int id) {
    CAPTURE(id);
    const Post& p = m_posts[id];
    const std::string key = std::to_string(id);
    if (!m_contracted) {
      CHECK(m_db.value("SELECT coalesce(tag_ids, '~') FROM posts WHERE id = " + key) ==
            p.list.value_or("~"));
    }
    if (p.reached) {
      const auto join = canonical(p.join);
      CHECK(m_db.value("SELECT coalesce(string_agg(tag_id::text, ',' ORDER BY tag_id), '~') FROM "
                       "post_tags WHERE post_id = " + key) == join.value_or("~"));
    }
  }

  itest::TestDb m_db;
  std::string m_plan;
  std::set<int> m_tags;
  std::map<int, Post> m_posts;
  bool m_contracted = false;
  std::unique_ptr<pqxx::connection> m_old_app;
  std::unique_ptr<pqxx::connection> m_new_app;
};

} // namespace

TEST_SUITE_BEGIN("explode_list");

TEST_CASE("explode_list: both applications write in every phase, each side keeps what its "
          "writer wrote") {
  Run run("el_life");
  run.next("start");
  run.next("expand");
  run.next("dual_write");
  run.write_phase("dual_write", 100, 1);
  run.next("backfill");
  run.write_phase("backfill", 200, 6);
  run.old_deletes_tag(10);
  run.next("transition");
  run.write_phase("transition", 300, 11);
  run.next("contract");
  CHECK(run.db().value("SELECT count(*) FROM pg_attribute WHERE attrelid = 'posts'::regclass AND "
                       "(attname = 'tag_ids' OR attname LIKE '\\_orc\\_%') AND NOT attisdropped") ==
        "0");
  run.write_phase("done", 400, 16);
}

TEST_CASE("explode_list: rollback from every phase leaves pg_dump and every string as they were "
          "written") {
  const char* phases[] = {"expand", "dual_write", "backfill", "transition"};
  for (int reached = 0; reached < 4; ++reached) {
    CAPTURE(phases[reached]);
    Run run(std::string("el_rb_") + phases[reached]);
    const std::string before = run.db().dump();
    run.next("start");
    for (int i = 0; i <= reached; ++i) {
      run.next(phases[i]);
    }
    if (reached >= 1) {
      run.write_phase(phases[reached], 100, 1);
    }
    auto r = run.db().orchestrate({"rollback"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(run.db().dump() == before);
    CHECK(run.db().value("SELECT string_agg(id || ':' || coalesce(tag_ids, '~'), ',' ORDER BY id) "
                         "|| ',' FROM posts") == run.strings());
  }
}

TEST_CASE("explode_list: validate counts malformed items, refusing or skipping them as the plan "
          "says") {
  itest::TestDb db("el_validate", 0);
  db.exec(k_setup);
  const std::string refuse = db.write_plan(
      "refuse.yaml", "name: tags\nchanges:\n  - explode_list: {table: posts, column: tag_ids, "
                     "into: post_tags, references: tags(id)}\n");
  auto r = db.orchestrate({"validate", refuse});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("refuse.yaml:3:") != std::string::npos);
  CHECK(r.err.find("1 existing rows would be refused (items that are not integers or name no "
                   "row of tags, e.g. '3,x,99'; first key 21)") != std::string::npos);
  CHECK(r.err.find("malformed: skip") != std::string::npos);
  const std::string skip = db.write_plan("skip.yaml", k_plan);
  r = db.orchestrate({"validate", skip});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK((r.out + r.err).find("1 existing rows hold items that are not integers") !=
        std::string::npos);
  // Nothing ran.
  CHECK(db.value("SELECT to_regclass('post_tags') IS NULL") == "t");
}

TEST_SUITE_END();

} // namespace test_explode_list
