#pragma once
// Go's builtin template functions over tmpl::Value (text/template/funcs.go). `and`, `or` and
// the argument evaluation rules live in the executor; these are the pure parts.

#include <span>
#include <string>

#include "base/result.h"
#include "tmpl/value.h"

namespace vq::tmpl {

// Go's truth: false, 0, nil and empty strings/lists/maps are false.
bool isTrue(const Value& v);

Result<Value> builtinIndex(const Value& item, std::span<const Value> indexes);
Result<Value> builtinSlice(const Value& item, std::span<const Value> indexes);
Result<Value> builtinLen(const Value& item);
Result<bool> builtinEq(const Value& a, std::span<const Value> others);
Result<bool> builtinLt(const Value& a, const Value& b);
Result<bool> builtinLe(const Value& a, const Value& b);

// html/js/urlquery: their arguments joined as Go's evalArgs does, then escaped.
std::string escapeArgs(std::span<const Value> args);
std::string htmlEscape(std::string_view s);
std::string jsEscape(std::string_view s);
std::string urlQueryEscape(std::string_view s);

}  // namespace vq::tmpl
