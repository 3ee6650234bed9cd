#pragma once
// Recursive-descent parser for Go templates (text/template/parse/parse.go).

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "tmpl/node.h"

namespace vq::tmpl {

using TreeSet = std::map<std::string, std::shared_ptr<Tree>, std::less<>>;

// Tells the parser whether a function name exists (builtins are resolved by the parser).
using HasFunction = std::function<bool(std::string_view)>;

// Parses `text` as template `name`. On success returns every tree the text defines: the
// top-level one under `name` plus one per {{define}} / {{block}}. Errors read as Go's:
// "template: NAME:LINE: message".
Result<TreeSet> parseTemplate(std::string_view name,
                              std::string_view text,
                              const HasFunction& has_function);

// Maps a builtin function name to its id (Builtin::None when not a builtin).
Builtin builtinByName(std::string_view name);

}  // namespace vq::tmpl
