#include "tmpl/unicode.h"

#include <cstdio>

#include "base/text.h"

namespace vq::tmpl {

int decodeRune(std::string_view s, size_t& width) {
    if (s.empty()) {
        width = 0;
        return -1;
    }
    auto b0 = static_cast<unsigned char>(s[0]);
    width = 1;
    if (b0 < 0x80)
        return b0;
    int need = 0;
    int r = 0;
    int min = 0;
    if ((b0 & 0xE0) == 0xC0) {
        need = 1;
        r = b0 & 0x1F;
        min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        need = 2;
        r = b0 & 0x0F;
        min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        need = 3;
        r = b0 & 0x07;
        min = 0x10000;
    } else {
        return kRuneError;
    }
    if (s.size() < static_cast<size_t>(need) + 1)
        return kRuneError;
    for (int i = 1; i <= need; ++i) {
        auto b = static_cast<unsigned char>(s[i]);
        if ((b & 0xC0) != 0x80)
            return kRuneError;
        r = (r << 6) | (b & 0x3F);
    }
    if (r < min || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
        return kRuneError;
    width = need + 1;
    return r;
}

void appendRune(std::string& out, int r) {
    if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
        r = kRuneError;
    if (r < 0x80) {
        out += static_cast<char>(r);
    } else if (r < 0x800) {
        out += static_cast<char>(0xC0 | (r >> 6));
        out += static_cast<char>(0x80 | (r & 0x3F));
    } else if (r < 0x10000) {
        out += static_cast<char>(0xE0 | (r >> 12));
        out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (r & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (r >> 18));
        out += static_cast<char>(0x80 | ((r >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((r >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (r & 0x3F));
    }
}

bool isPrintRune(int r) {
    if (r < 0x20)
        return false;
    if (r < 0x7F)
        return true;
    if (r < 0xA1)
        return false;  // DEL, C1 controls and NBSP (Go: not IsPrint)
    if (r == 0xAD)
        return false;  // soft hyphen
    if (r >= 0xD800 && r <= 0xDFFF)
        return false;
    if (r == 0xFEFF || r == 0xFFFE || r == 0xFFFF)
        return false;
    if (r >= 0x2000 && r <= 0x200F)
        return false;  // spaces and format characters
    if (r >= 0x2028 && r <= 0x202F)
        return false;
    if (r >= 0xE000 && r <= 0xF8FF)
        return false;  // private use
    return r <= 0x10FFFF;
}

bool isAlphaNumeric(int r) {
    if (r == '_')
        return true;
    if (r >= '0' && r <= '9')
        return true;
    if ((r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'))
        return true;
    return r >= 0xAA && r != kRuneError && isPrintRune(r);
}

namespace {

void appendEscapedRune(std::string& out, int r, char quote, bool ascii_only) {
    char buf[16];
    if (r == quote || r == '\\') {
        out += '\\';
        out += static_cast<char>(r);
        return;
    }
    if (ascii_only ? (r < 0x80 && isPrintRune(r)) : isPrintRune(r)) {
        appendRune(out, r);
        return;
    }
    switch (r) {
        case '\a':
            out += "\\a";
            return;
        case '\b':
            out += "\\b";
            return;
        case '\f':
            out += "\\f";
            return;
        case '\n':
            out += "\\n";
            return;
        case '\r':
            out += "\\r";
            return;
        case '\t':
            out += "\\t";
            return;
        case '\v':
            out += "\\v";
            return;
        default:
            break;
    }
    if (r < ' ' || r == 0x7F) {
        std::snprintf(buf, sizeof buf, "\\x%02x", r);
    } else if (r < 0x10000) {
        std::snprintf(buf, sizeof buf, "\\u%04x", r);
    } else {
        std::snprintf(buf, sizeof buf, "\\U%08x", r);
    }
    out += buf;
}

// Decodes one (possibly escaped) character of a quoted literal body. Returns false on error.
// `is_byte` is set for \x and octal escapes, which denote raw bytes inside strings.
bool unquoteOne(std::string_view& s, char quote, int& r, bool& is_byte) {
    is_byte = false;
    if (s.empty())
        return false;
    if (s[0] == quote && (quote == '\'' || quote == '"'))
        return false;
    if (s[0] != '\\') {
        size_t w = 0;
        r = decodeRune(s, w);
        s.remove_prefix(w);
        return true;
    }
    if (s.size() < 2)
        return false;
    char c = s[1];
    s.remove_prefix(2);
    switch (c) {
        case 'a':
            r = '\a';
            return true;
        case 'b':
            r = '\b';
            return true;
        case 'f':
            r = '\f';
            return true;
        case 'n':
            r = '\n';
            return true;
        case 'r':
            r = '\r';
            return true;
        case 't':
            r = '\t';
            return true;
        case 'v':
            r = '\v';
            return true;
        case '\\':
            r = '\\';
            return true;
        case '\'':
        case '"':
            if (c != quote)
                return false;
            r = c;
            return true;
        case 'x':
        case 'u':
        case 'U': {
            size_t n = c == 'x' ? 2 : (c == 'u' ? 4 : 8);
            if (s.size() < n)
                return false;
            int v = 0;
            for (size_t i = 0; i < n; ++i) {
                int h = hexDigitValue(s[i]);
                if (h < 0)
                    return false;
                v = (v << 4) | h;
            }
            s.remove_prefix(n);
            if (c == 'x') {
                r = v;
                is_byte = true;
                return true;
            }
            if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
                return false;
            r = v;
            return true;
        }
        case '0':
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
        case '6':
        case '7': {
            if (s.size() < 2)
                return false;
            int v = c - '0';
            for (int i = 0; i < 2; ++i) {
                if (s[i] < '0' || s[i] > '7')
                    return false;
                v = v * 8 + (s[i] - '0');
            }
            if (v > 255)
                return false;
            s.remove_prefix(2);
            r = v;
            is_byte = true;
            return true;
        }
        default:
            return false;
    }
}

}  // namespace

std::string quoteString(std::string_view s, bool ascii_only) {
    std::string out = "\"";
    while (!s.empty()) {
        size_t w = 0;
        int r = decodeRune(s, w);
        if (r == kRuneError && w == 1) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(s[0]));
            out += buf;
        } else {
            appendEscapedRune(out, r, '"', ascii_only);
        }
        s.remove_prefix(w);
    }
    out += '"';
    return out;
}

std::string quoteRune(int r, bool ascii_only) {
    if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
        r = kRuneError;
    std::string out = "'";
    appendEscapedRune(out, r, '\'', ascii_only);
    out += '\'';
    return out;
}

bool unquote(std::string_view lit, std::string& out) {
    out.clear();
    if (lit.size() < 2)
        return false;
    char quote = lit.front();
    if (lit.back() != quote)
        return false;
    std::string_view body = lit.substr(1, lit.size() - 2);
    if (quote == '`') {
        if (body.find('`') != std::string_view::npos)
            return false;
        // Go drops carriage returns from raw strings.
        for (char c : body) {
            if (c != '\r')
                out += c;
        }
        return true;
    }
    if (quote != '"' && quote != '\'')
        return false;
    if (quote == '\'') {
        int r = 0;
        if (!unquoteCharLiteral(lit, r))
            return false;
        appendRune(out, r);
        return true;
    }
    while (!body.empty()) {
        if (body[0] == '\n')
            return false;
        int r = 0;
        bool is_byte = false;
        if (!unquoteOne(body, quote, r, is_byte))
            return false;
        if (is_byte) {
            out += static_cast<char>(r);
        } else {
            appendRune(out, r);
        }
    }
    return true;
}

bool unquoteCharLiteral(std::string_view lit, int& rune) {
    if (lit.size() < 3 || lit.front() != '\'' || lit.back() != '\'')
        return false;
    std::string_view body = lit.substr(1, lit.size() - 2);
    bool is_byte = false;
    if (!unquoteOne(body, '\'', rune, is_byte))
        return false;
    return body.empty();
}

}  // namespace vq::tmpl
