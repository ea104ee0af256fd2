#include "import/plan_text.hpp"

#include <yaml-cpp/yaml.h>

#include <sstream>

namespace orchestrate {

namespace {

void emit(YAML::Emitter& out, const nlohmann::ordered_json& value) {
  switch (value.type()) {
  case nlohmann::json::value_t::object:
    out << YAML::BeginMap;
    for (const auto& [key, item] : value.items()) {
      out << YAML::Key << key << YAML::Value;
      emit(out, item);
    }
    out << YAML::EndMap;
    break;
  case nlohmann::json::value_t::array:
    out << YAML::BeginSeq;
    for (const auto& item : value) {
      emit(out, item);
    }
    out << YAML::EndSeq;
    break;
  case nlohmann::json::value_t::string: {
    const auto& s = value.get_ref<const std::string&>();
    if (s.find('\n') != std::string::npos) {
      out << YAML::Literal << s;
    } else {
      out << s;
    }
    break;
  }
  case nlohmann::json::value_t::boolean:
    out << value.get<bool>();
    break;
  case nlohmann::json::value_t::null:
    out << YAML::Null;
    break;
  default:
    out << value.dump();
    break;
  }
}

std::string yaml_of(const nlohmann::ordered_json& value) {
  YAML::Emitter out;
  out.SetBoolFormat(YAML::TrueFalseBool);
  out.SetNullFormat(YAML::LowerNull);
  emit(out, value);
  return out.c_str();
}

// `text` indented by `indent` spaces, its first line behind `first` instead.
void indented(std::ostringstream& out, const std::string& text, const std::string& first,
              const std::string& indent) {
  std::istringstream lines(text);
  std::string line;
  bool head = true;
  while (std::getline(lines, line)) {
    out << (head ? first : (line.empty() ? "" : indent)) << line << "\n";
    head = false;
  }
}

void comment_lines(std::ostringstream& out, const std::vector<std::string>& comments,
                   const std::string& indent) {
  for (const auto& c : comments) {
    out << indent << "#" << (c.empty() ? "" : " " + c) << "\n";
  }
}

} // namespace

std::string plan_text(const std::vector<std::string>& header_comments,
                      const nlohmann::ordered_json& top,
                      const std::vector<WrittenChange>& changes) {
  std::ostringstream out;
  comment_lines(out, header_comments, "");
  out << yaml_of(top) << "\n";
  out << "changes:\n";
  for (const auto& c : changes) {
    comment_lines(out, c.comments, "  ");
    indented(out, yaml_of(c.change), "  - ", "    ");
  }
  return out.str();
}

} // namespace orchestrate
