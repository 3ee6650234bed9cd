#include "plan/template_refs.h"

namespace vq::plan {
namespace {

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool isIdent(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// Reads a Go string literal at `at`: "..." without escapes, or `...`. False when the name
// is not a plain literal (escapes, a variable, a pipeline).
bool readName(std::string_view text, size_t at, std::string& name) {
    if (at >= text.size())
        return false;
    const char quote = text[at];
    if (quote != '"' && quote != '`')
        return false;
    const size_t end = text.find(quote, at + 1);
    if (end == std::string_view::npos)
        return false;
    name.assign(text.substr(at + 1, end - at - 1));
    if (quote == '"' &&
        (name.find('\\') != std::string::npos || name.find('\n') != std::string::npos))
        return false;
    return true;
}

}  // namespace

TemplateRefs scanTemplateRefs(std::string_view text) {
    TemplateRefs refs;
    size_t pos = 0;
    while ((pos = text.find("{{", pos)) != std::string_view::npos) {
        size_t at = pos + 2;
        pos = at;
        if (at + 1 < text.size() && text[at] == '-' && isSpace(text[at + 1]))
            at += 2;
        while (at < text.size() && isSpace(text[at]))
            ++at;
        size_t word_end = at;
        while (word_end < text.size() && isIdent(text[word_end]))
            ++word_end;
        const std::string_view word = text.substr(at, word_end - at);
        const bool is_define = word == "define";
        const bool is_call = word == "template";
        const bool is_block = word == "block";
        if (!is_define && !is_call && !is_block)
            continue;
        at = word_end;
        while (at < text.size() && isSpace(text[at]))
            ++at;
        std::string name;
        if (!readName(text, at, name)) {
            refs.opaque = true;
            continue;
        }
        if (is_define || is_block)
            refs.defines.push_back(name);
        if (is_call || is_block)
            refs.calls.push_back(std::move(name));
    }
    return refs;
}

}  // namespace vq::plan
