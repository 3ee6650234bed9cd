#pragma once
// Lexer for Go template text, a port of text/template/parse/lex.go. Trim markers ("{{- ",
// " -}}") and comments are handled entirely here; the parser never sees them.

#include <string>
#include <string_view>
#include <vector>

namespace vq::tmpl {

enum class ItemType {
    Error,
    Bool,
    Char,  // printable ASCII character; grab bag for comma etc.
    CharConstant,
    Complex,
    Assign,   // =
    Declare,  // :=
    Eof,
    Field,  // .name
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,  // $name or $
    // Keywords follow.
    Keyword,
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
};

struct Item {
    ItemType type = ItemType::Eof;
    int pos = 0;      // byte offset of the item in the input
    std::string val;  // raw text, or the message for Error
    int line = 1;     // line at the start of the item

    // Go's item.String(), used in "unexpected ..." parse errors.
    std::string describe() const;
};

struct LexOptions {
    bool break_ok = true;  // false when a function named "break" exists
    bool continue_ok = true;
};

// Lexes the whole input. The result always ends with an Eof or an Error item.
std::vector<Item> lex(std::string_view input, LexOptions options = {});

// Go's %q of a string (strconv.Quote): used in messages and node printing.
std::string goQuote(std::string_view s);
// Go's %#U of a rune: U+0041 'A'.
std::string goRuneDescription(int r);

}  // namespace vq::tmpl
