#pragma once

#include <string>

namespace orchestrate {

// The reference of change kinds as Markdown, for the README (`orchestrate schema --markdown`,
// spliced in by scripts/render-docs): for every kind in change_kind_list() order its heading,
// its doc, its example as a YAML block and a table of its fields, built from the fields it
// gives the JSON Schema. The same kinds give the same text, ending with one newline.
std::string kind_reference_markdown();

} // namespace orchestrate
