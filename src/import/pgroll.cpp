// Reading pgroll's migration files and writing the plans they become.
#include "import/pgroll.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "core/errors.hpp"
#include "import/pgroll_operations.hpp"
#include "import/plan_text.hpp"
#include "plan/model.hpp"

namespace orchestrate {

namespace {

using pgroll::Json;

bool is_migration_file(const std::filesystem::path& p) {
  const auto ext = p.extension();
  return ext == ".json" || ext == ".yaml" || ext == ".yml";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    out.push_back(line);
  }
  return out;
}

// The comment text of a line that holds only a comment.
std::optional<std::string> comment_of(const std::string& line) {
  const auto b = line.find_first_not_of(" \t");
  if (b == std::string::npos || line[b] != '#') {
    return std::nullopt;
  }
  std::string text = line.substr(b + 1);
  if (!text.empty() && text.front() == ' ') {
    text.erase(0, 1);
  }
  while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

// The comment lines right above line `line` (1-based), in order.
std::vector<std::string> comments_above(const std::vector<std::string>& lines, int line) {
  std::vector<std::string> out;
  for (int i = line - 2; i >= 0; --i) {
    auto c = comment_of(lines[static_cast<std::size_t>(i)]);
    if (!c) {
      break;
    }
    out.insert(out.begin(), *c);
  }
  return out;
}

// The comment lines at the top of the file, before its first key.
std::vector<std::string> leading_comments(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines) {
    if (auto c = comment_of(l)) {
      out.push_back(*c);
    } else if (l.find_first_not_of(" \t\r") != std::string::npos) {
      break;
    }
  }
  return out;
}

Json translate(const std::string& kind, Fields& op, const YAML::Node& raw) {
  if (kind == "create_table") {
    return pgroll::create_table(op);
  }
  if (kind == "add_column") {
    return pgroll::add_column(op);
  }
  if (kind == "alter_column") {
    return pgroll::alter_column(op, raw);
  }
  if (kind == "create_constraint") {
    return pgroll::create_constraint(op);
  }
  if (kind == "drop_constraint") {
    return pgroll::drop_constraint(op);
  }
  if (kind == "drop_multicolumn_constraint") {
    return pgroll::drop_multicolumn_constraint(op);
  }
  if (kind == "create_index") {
    return pgroll::create_index(op);
  }
  if (kind == "set_replica_identity") {
    return pgroll::set_replica_identity(op);
  }
  if (kind == "sql") {
    return pgroll::sql(op);
  }
  return pgroll::simple(kind, op);
}

const std::vector<std::string>& known_operations() {
  static const std::vector<std::string> k{
      "create_table",      "add_column",        "alter_column",
      "drop_column",       "rename_column",     "rename_table",
      "drop_table",        "create_index",      "drop_index",
      "create_constraint", "drop_constraint",   "drop_multicolumn_constraint",
      "rename_constraint", "set_replica_identity", "sql"};
  return k;
}

} // namespace

std::vector<std::filesystem::path> pgroll_migration_files(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  if (fs::is_regular_file(path)) {
    return {path};
  }
  if (!fs::is_directory(path)) {
    throw InputError(path.string() + ": no such file or directory");
  }
  std::vector<fs::path> files;
  const fs::path ledger = path / ".ledger";
  if (fs::is_regular_file(ledger)) {
    std::ifstream in(ledger);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
        line.pop_back();
      }
      if (line.empty()) {
        continue;
      }
      fs::path file = path / line;
      if (!fs::is_regular_file(file)) {
        throw PlanError(ledger.string(), n, 1, "the ledger names " + line + ", which is not in " +
                                                   path.string());
      }
      files.push_back(file);
    }
    return files;
  }
  for (const auto& entry : fs::directory_iterator(path)) {
    if (entry.is_regular_file() && is_migration_file(entry.path())) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    throw InputError(path.string() + " holds no .json, .yaml or .yml migration file");
  }
  return files;
}

ImportedPlan import_pgroll_migration(const std::filesystem::path& file,
                                     const ImportOptions& options) {
  const std::string name_of_file = file.string();
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw InputError("cannot read " + name_of_file);
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw PlanError(name_of_file, e.mark.line + 1, e.mark.column + 1, e.msg);
  }
  Fields migration(root, name_of_file, "migration");
  migration.expect({"name", "version_schema", "operations"});
  ImportedPlan plan;
  plan.source = file;
  if (auto n = migration.optional_string("name")) {
    plan.name = n->value;
    if (!is_valid_plan_name(plan.name)) {
      migration.fail(n->mark, "'" + plan.name + "' cannot name a plan: a letter, digit or "
                              "underscore, then letters, digits, underscores or hyphens");
    }
  } else {
    plan.name = file.stem().string();
    if (!is_valid_plan_name(plan.name)) {
      migration.fail(migration.mark(), "the file name '" + plan.name + "' cannot name a plan; "
                                       "give the migration a 'name'");
    }
  }
  Json top;
  top["name"] = plan.name;
  top["description"] = "Imported from the pgroll migration " + file.filename().string() + ".";
  if (options.schema) {
    top["schema"] = *options.schema;
  }
  if (auto v = migration.optional_string("version_schema"); v && !v->value.empty()) {
    top["version_schema"] = v->value;
  }
  YAML::Node operations = migration.required_node("operations");
  if (!operations.IsSequence() || operations.size() == 0) {
    migration.fail(operations, "'operations' must be a non-empty list");
  }
  migration.finish();

  const auto lines = lines_of(text);
  auto fail_at = [&](const YAML::Node& node, const std::string& message) {
    const Mark m = mark_of(node);
    throw PlanError(name_of_file, m.line, m.column, message);
  };
  std::vector<WrittenChange> changes;
  int position = 0;
  for (const auto& op : operations) {
    ++position;
    if (!op.IsMap() || op.size() != 1) {
      fail_at(op, fmt::format("operation {}: must be a mapping with one key, the operation",
                                position));
    }
    const std::string kind = op.begin()->first.as<std::string>();
    const auto& known = known_operations();
    if (std::find(known.begin(), known.end(), kind) == known.end()) {
      fail_at(op.begin()->first,
              fmt::format("operation {}: '{}' is not an operation pgroll documents", position,
                            kind));
    }
    const std::string what = fmt::format("operation {} ({})", position, kind);
    Fields fields(op.begin()->second, name_of_file, what);
    WrittenChange change;
    change.comments = comments_above(lines, mark_of(op).line);
    try {
      change.change = translate(kind, fields, op.begin()->second);
    } catch (const PlanError& e) {
      // Every refusal names the operation, wherever in it the reason sits.
      if (e.message().rfind(what, 0) == 0) {
        throw;
      }
      throw PlanError(e.file(), e.line(), e.column(), what + ": " + e.message());
    }
    changes.push_back(std::move(change));
  }
  plan.text = plan_text(leading_comments(lines), top, changes);
  return plan;
}

std::vector<std::filesystem::path> write_imported_plans(const std::vector<ImportedPlan>& plans,
                                                        const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  static const std::regex k_numbered(R"((\d+)-(.+)\.ya?ml)");
  int highest = 0;
  std::map<std::string, std::string> present; // plan name -> file
  if (fs::is_directory(dir)) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      std::smatch m;
      const std::string f = entry.path().filename().string();
      if (std::regex_match(f, m, k_numbered)) {
        highest = std::max(highest, std::stoi(m[1].str()));
        present[m[2].str()] = f;
      }
    }
  }
  std::vector<std::pair<fs::path, const ImportedPlan*>> out;
  std::map<std::string, std::string> seen;
  for (const auto& p : plans) {
    if (auto it = present.find(p.name); it != present.end()) {
      throw InputError(fmt::format("{}: a plan named {} is already in {} ({}); nothing written",
                                   p.source.string(), p.name, dir.string(), it->second));
    }
    if (auto it = seen.find(p.name); it != seen.end()) {
      throw InputError(fmt::format("{}: the plan name {} is also {}'s; nothing written",
                                   p.source.string(), p.name, it->second));
    }
    seen[p.name] = p.source.string();
    out.emplace_back(dir / fmt::format("{:03}-{}.yaml", ++highest, p.name), &p);
  }
  fs::create_directories(dir);
  std::vector<fs::path> written;
  for (const auto& [path, plan] : out) {
    std::ofstream f(path, std::ios::binary);
    f << plan->text;
    if (!f) {
      throw Error(k_exit_runtime, "cannot write " + path.string());
    }
    written.push_back(path);
  }
  return written;
}

} // namespace orchestrate
