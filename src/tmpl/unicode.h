#pragma once
// The small part of Go's unicode/utf8/strconv that template output depends on.

#include <string>
#include <string_view>

namespace vq::tmpl {

constexpr int kRuneError = 0xFFFD;

// Decodes one UTF-8 rune from the front of s; invalid input yields kRuneError with width 1.
// width is 0 for empty input (and the result is -1).
int decodeRune(std::string_view s, size_t& width);
void appendRune(std::string& out, int r);
// Go's unicode.IsPrint, approximated: ASCII graphic characters and space, and every
// non-control code point above U+00A0 except the surrogates and U+FFFD-like non-characters.
bool isPrintRune(int r);
// Go's isAlphaNumeric in the template lexer: '_', letters and digits. Non-ASCII code points
// are treated as letters.
bool isAlphaNumeric(int r);
// strconv.Quote (ascii_only=false) / strconv.QuoteToASCII (ascii_only=true).
std::string quoteString(std::string_view s, bool ascii_only);
// strconv.QuoteRune / QuoteRuneToASCII.
std::string quoteRune(int r, bool ascii_only);
// strconv.Unquote for "..." / `...` / '...' literals; false on a syntax error.
bool unquote(std::string_view lit, std::string& out);
// strconv.UnquoteChar for a character literal body: returns the rune or -1.
bool unquoteCharLiteral(std::string_view lit, int& rune);

}  // namespace vq::tmpl
