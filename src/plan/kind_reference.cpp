#include "plan/kind_reference.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "changes/kind.hpp"
#include "plan/json_fields.hpp"

namespace orchestrate {

namespace {
using json = nlohmann::json;

constexpr std::size_t k_width = 100;

// Whether the `<` at `at` could start HTML (a tag, a comment) rather than read as itself.
bool opens_tag(std::string_view text, std::size_t at) {
  if (at + 1 >= text.size()) {
    return false;
  }
  const char next = text[at + 1];
  return std::isalpha(static_cast<unsigned char>(next)) != 0 || next == '/' || next == '!' ||
         next == '?';
}

// Text for Markdown: outside code spans a `<` that could open HTML (`<table>`) is escaped, and
// in a table cell a `|` (which would end the cell, inside a code span too) and line breaks.
std::string escape(std::string_view text, bool in_cell) {
  std::string out;
  bool in_code = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '`') {
      in_code = !in_code;
    }
    if (c == '|' && in_cell) {
      out += "\\|";
    } else if (c == '\n' && in_cell) {
      out += ' ';
    } else if (c == '<' && !in_code && opens_tag(text, i)) {
      out += "&lt;";
    } else {
      out += c;
    }
  }
  return out;
}

// A word that would make the line it starts something else than paragraph text: a list item,
// a heading, a quote, a table row, an underline.
bool opens_block(std::string_view word) {
  if (word.empty()) {
    return false;
  }
  if (std::string_view("-+*#>|=").find(word.front()) != std::string_view::npos) {
    return true;
  }
  std::size_t digits = 0;
  while (digits < word.size() && word[digits] >= '0' && word[digits] <= '9') {
    ++digits;
  }
  return digits > 0 && digits < word.size() && (word[digits] == '.' || word[digits] == ')');
}

// One paragraph wrapped at k_width columns (a longer word keeps its own line), no line
// starting with a word that opens a block.
std::string wrap(std::string_view text) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    if (end > start) {
      words.emplace_back(text.substr(start, end - start));
    }
    start = end + 1;
  }
  std::vector<std::vector<std::string>> lines(1);
  std::size_t length = 0;
  for (const auto& word : words) {
    auto& line = lines.back();
    if (!line.empty() && length + 1 + word.size() > k_width) {
      std::vector<std::string> next;
      next.push_back(word);
      // Carry the line's last words along rather than start a line with one that opens a block.
      while (opens_block(next.front()) && line.size() > 1) {
        next.insert(next.begin(), line.back());
        line.pop_back();
      }
      lines.push_back(std::move(next));
      length = 0;
      for (const auto& w : lines.back()) {
        length += (length == 0 ? 0 : 1) + w.size();
      }
      continue;
    }
    length += (line.empty() ? 0 : 1) + word.size();
    line.push_back(word);
  }
  std::string out;
  for (const auto& line : lines) {
    for (std::size_t i = 0; i < line.size(); ++i) {
      out += (i == 0 ? "" : " ") + line[i];
    }
    out += '\n';
  }
  return out;
}

std::string joined(const std::vector<std::string>& items, std::string_view last_separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      out += i + 1 == items.size() ? last_separator : std::string_view(", ");
    }
    out += items[i];
  }
  return out;
}

bool is_name(const json& field) {
  return field.value("type", json()) == "string" &&
         field.value("pattern", std::string()) == json_fields::k_ident_pattern;
}

// The plural of a type, for "list of ...".
std::string plural(const std::string& type) {
  if (type == "mapping" || type == "name" || type == "string" || type == "boolean" ||
      type == "integer" || type == "number") {
    return type + "s";
  }
  return type;
}

std::vector<std::string> types_of(const json& field);

// A field's type in words: name (a plain name), string, boolean, mapping, list of ..., or the
// types it may take.
std::string type_of(const json& field) {
  return joined(types_of(field), " or ");
}

// The types a field may take, each in words, without repeats.
std::vector<std::string> types_of(const json& field) {
  if (field.contains("oneOf")) {
    std::vector<std::string> types;
    std::set<std::string> seen;
    for (const auto& alternative : field["oneOf"]) {
      for (auto& t : types_of(alternative)) {
        if (seen.insert(t).second) {
          types.push_back(std::move(t));
        }
      }
    }
    return types;
  }
  if (is_name(field)) {
    return {"name"};
  }
  const json type = field.value("type", json());
  if (type.is_array()) {
    std::vector<std::string> types;
    for (const auto& t : type) {
      types.push_back(t.get<std::string>());
    }
    return types;
  }
  if (type == "object") {
    if (field.contains("additionalProperties") && field["additionalProperties"].is_object()) {
      return {"mapping to " + type_of(field["additionalProperties"])};
    }
    return {"mapping"};
  }
  if (type == "array") {
    if (!field.contains("items")) {
      return {"list"};
    }
    // Names or mappings: each type the items may take, in the plural.
    std::vector<std::string> items = types_of(field["items"]);
    for (auto& t : items) {
      t = plural(t);
    }
    return {"list of " + joined(items, " or ")};
  }
  if (type.is_string()) {
    return {type.get<std::string>()};
  }
  return {"any"};
}

std::string code(const std::string& text) {
  return "`" + text + "`";
}

std::string key_list(const std::vector<std::string>& keys) {
  std::vector<std::string> coded;
  for (const auto& k : keys) {
    coded.push_back(code(k));
  }
  return joined(coded, ", ");
}

// Its keys, required first (in the order the kind gives them), then the others by name.
std::vector<std::pair<std::string, bool>> keys_of(const json& object) {
  std::vector<std::pair<std::string, bool>> keys;
  std::set<std::string> required;
  if (object.contains("required")) {
    for (const auto& r : object["required"]) {
      keys.emplace_back(r.get<std::string>(), true);
      required.insert(r.get<std::string>());
    }
  }
  if (object.contains("properties")) {
    for (const auto& [key, value] : object["properties"].items()) {
      (void)value;
      if (required.count(key) == 0) {
        keys.emplace_back(key, false);
      }
    }
  }
  return keys;
}

// What the type does not say: the values allowed, the pattern, the keys of a mapping.
std::string details(const json& field) {
  std::vector<std::string> parts;
  if (field.contains("oneOf")) {
    for (const auto& alternative : field["oneOf"]) {
      const std::string d = details(alternative);
      if (!d.empty()) {
        parts.push_back(d);
      }
    }
  }
  if (field.contains("enum")) {
    std::vector<std::string> values;
    for (const auto& v : field["enum"]) {
      values.push_back(code(v.is_string() ? v.get<std::string>() : v.dump()));
    }
    parts.push_back("One of " + joined(values, ", ") + ".");
  }
  if (field.contains("pattern") && !is_name(field)) {
    parts.push_back("Pattern " + code(field["pattern"].get<std::string>()) + ".");
  }
  if (field.value("type", json()) == "object" && field.contains("properties")) {
    std::vector<std::string> required;
    std::vector<std::string> other;
    for (const auto& [key, is_required] : keys_of(field)) {
      (is_required ? required : other).push_back(key);
    }
    if (!required.empty()) {
      parts.push_back("Keys " + key_list(required) + (other.empty() ? "." : ";"));
    }
    if (!other.empty()) {
      parts.push_back(std::string(required.empty() ? "Optional keys " : "optional ") +
                      key_list(other) + ".");
    }
  }
  if (field.value("type", json()) == "array" && field.contains("items")) {
    std::string d = details(field["items"]);
    if (!d.empty()) {
      d[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(d[0])));
      parts.push_back("Each: " + d);
    }
    if (field.value("minItems", 0) > 1) {
      parts.push_back("At least " + std::to_string(field["minItems"].get<int>()) + ".");
    }
  }
  std::string out;
  for (const auto& p : parts) {
    out += (out.empty() ? "" : " ") + p;
  }
  return out;
}

std::string description_of(const json& field) {
  std::string d = field.value("description", std::string());
  // ident()'s note on plain names is the type `name`, explained above the kinds.
  const std::string note = json_fields::k_ident_note;
  if (is_name(field) && d.size() >= note.size() &&
      d.compare(d.size() - note.size(), note.size(), note) == 0) {
    d.resize(d.size() - note.size());
  }
  if (!d.empty() && d.back() != '.') {
    d += '.';
  }
  const std::string more = details(field);
  return d.empty() ? more : more.empty() ? d : d + " " + more;
}

std::string field_table(const json& fields) {
  std::string out = "| field | type | required | description |\n| --- | --- | --- | --- |\n";
  for (const auto& [key, required] : keys_of(fields)) {
    const json& field = fields["properties"][key];
    out += "| " + code(key) + " | " + escape(type_of(field), true) + " | " +
           (required ? "yes" : "no") + " | " + escape(description_of(field), true) + " |\n";
  }
  return out;
}

} // namespace

std::string kind_reference_markdown() {
  std::string out;
  for (const auto& kind : change_kind_list()) {
    out += out.empty() ? "" : "\n";
    out += "### " + std::string(kind.name) + "\n\n";
    out += wrap(escape(kind.doc, false)) + "\n";
    out += "```yaml\n" + std::string(kind.example);
    if (!kind.example.empty() && kind.example.back() != '\n') {
      out += '\n';
    }
    out += "```\n\n";
    out += field_table(kind.fields());
  }
  return out;
}

} // namespace orchestrate
