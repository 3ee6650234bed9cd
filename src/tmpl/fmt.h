#pragma once
// The subset of Go's fmt package that template output is made of: the default %v printing
// of values, Sprint / Sprintln spacing rules, and Sprintf with Go's verbs, flags, width,
// precision and error forms (%!d(string=x), %!s(MISSING), %!(EXTRA int=2)).

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "tmpl/value.h"

namespace vq::tmpl {

// What one execution may write, and what one formatted value may grow to: a list aliased
// ten times over in YAML prints as 10^10 elements. Formatting past it throws OutputTooLarge
// (the executor turns it into an error).
constexpr size_t kMaxOutputBytes = 64u << 20;
struct OutputTooLarge {};

// fmt.Sprint(v) for one operand (Missing and Null print as "<nil>").
void appendValue(std::string& out, const Value& v);
// Go's strconv.FormatFloat(f, 'g', -1, 64): the shortest form %v uses.
void appendShortestFloat(std::string& out, double f);
// fmt.Sprint: spaces between operands when neither is a string.
void appendSprint(std::string& out, std::span<const Value> args);
// fmt.Sprintln: spaces between all operands, then a newline.
void appendSprintln(std::string& out, std::span<const Value> args);
// fmt.Sprintf.
void appendSprintf(std::string& out, std::string_view format, std::span<const Value> args);

}  // namespace vq::tmpl
