#pragma once
// Small ASCII text helpers shared by the wire and config parsers. Locale-independent on
// purpose: protocol keywords and hex digits never depend on the user's locale.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vq {

// 0-15 for a hex digit of either case, -1 otherwise.
int hexDigitValue(char c);

std::string toLowerAscii(std::string_view s);

// Case-insensitive ASCII equality.
bool equalsIgnoreCase(std::string_view a, std::string_view b);

// Strips spaces and tabs at both ends.
std::string_view trimBlanks(std::string_view s);

// The whole string as an unsigned decimal number: no sign, no blanks, no overflow.
std::optional<uint64_t> parseDecimal(std::string_view s);

}  // namespace vq
