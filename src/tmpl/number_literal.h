#pragma once
// Go number literal syntax (text/template/parse NumberNode): integers with base prefixes and
// underscores, decimal and hexadecimal floats.

#include <cstdint>
#include <string_view>

namespace vq::tmpl {

// Parses a Go integer literal (base prefix 0x/0o/0b/0, underscores) without sign.
bool parseUnsigned(std::string_view text, uint64_t& out);
// Accepts an optional leading sign; returns the magnitude and whether it was negative.
bool parseSignedOrUnsigned(std::string_view text, bool& neg, uint64_t& mag);
// Parses a Go float literal, including hexadecimal floats and underscores.
bool parseFloat(std::string_view text, double& out);
// True for 0x... integers (not hex floats, which carry a p exponent).
bool isHexInt(std::string_view s);

}  // namespace vq::tmpl
