#include "tmpl/fmt.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <vector>

#include "tmpl/unicode.h"

namespace vq::tmpl {

namespace {

struct Flags {
    bool minus = false;
    bool plus = false;
    bool sharp = false;
    bool space = false;
    bool zero = false;
    bool sharp_v = false;  // %#v: Go-syntax representation
    bool wid_present = false;
    bool prec_present = false;
    int wid = 0;
    int prec = 0;
};

size_t runeCount(std::string_view s) {
    size_t n = 0;
    while (!s.empty()) {
        size_t w = 0;
        decodeRune(s, w);
        s.remove_prefix(w);
        ++n;
    }
    return n;
}

class Printer {
public:
    explicit Printer(std::string& out) : out_(out) {}

    Flags f;

    void writePadding(int n) {
        if (n <= 0)
            return;
        out_.append(static_cast<size_t>(n), f.zero ? '0' : ' ');
    }

    void pad(std::string_view s) {
        if (!f.wid_present || f.wid == 0) {
            out_ += s;
            return;
        }
        int width = f.wid - static_cast<int>(runeCount(s));
        if (!f.minus) {
            writePadding(width);
            out_ += s;
        } else {
            out_ += s;
            bool z = f.zero;
            f.zero = false;
            writePadding(width);
            f.zero = z;
        }
    }

    void fmtBool(bool b) { pad(b ? "true" : "false"); }

    void fmtInteger(uint64_t u, int base, bool is_signed, int verb, bool upper) {
        bool negative = is_signed && static_cast<int64_t>(u) < 0;
        if (negative)
            u = 0 - u;
        const char* digits = upper ? "0123456789ABCDEFX" : "0123456789abcdefx";
        int prec = 0;
        if (f.prec_present) {
            prec = f.prec;
            if (prec == 0 && u == 0) {
                bool z = f.zero;
                f.zero = false;
                writePadding(f.wid);
                f.zero = z;
                return;
            }
        } else if (f.zero && f.wid_present) {
            prec = f.wid;
            if (negative || f.plus || f.space)
                --prec;
        }
        std::string buf;
        if (u == 0)
            buf = "0";
        while (u > 0) {
            buf.insert(buf.begin(), digits[u % static_cast<uint64_t>(base)]);
            u /= static_cast<uint64_t>(base);
        }
        // At once: one zero at a time is quadratic in the precision (up to a million).
        if (static_cast<int>(buf.size()) < prec)
            buf.insert(0, static_cast<size_t>(prec) - buf.size(), '0');
        if (f.sharp) {
            if (base == 2) {
                buf.insert(0, "0b");
            } else if (base == 8) {
                if (buf[0] != '0')
                    buf.insert(buf.begin(), '0');
            } else if (base == 16) {
                buf.insert(0, std::string("0") + digits[16]);
            }
        }
        if (verb == 'O')
            buf.insert(0, "0o");
        if (negative) {
            buf.insert(buf.begin(), '-');
        } else if (f.plus) {
            buf.insert(buf.begin(), '+');
        } else if (f.space) {
            buf.insert(buf.begin(), ' ');
        }
        bool z = f.zero;
        f.zero = false;
        pad(buf);
        f.zero = z;
    }

    void fmtUnicode(uint64_t u) {
        char buf[32];
        int prec = f.prec_present && f.prec > 4 ? f.prec : 4;
        std::snprintf(buf, sizeof buf, "U+%0*llX", prec, static_cast<unsigned long long>(u));
        std::string s = buf;
        if (f.sharp && u <= 0x10FFFF && isPrintRune(static_cast<int>(u))) {
            s += " '";
            appendRune(s, static_cast<int>(u));
            s += "'";
        }
        bool z = f.zero;
        f.zero = false;
        pad(s);
        f.zero = z;
    }

    void fmtFloat(double v, int verb, int prec) {
        std::string num;
        if (std::isnan(v)) {
            num = "+NaN";
        } else if (std::isinf(v)) {
            num = v > 0 ? "+Inf" : "-Inf";
        } else {
            std::string body;
            int lower = verb == 'E' || verb == 'G' || verb == 'X' ? verb + 32 : verb;
            if (lower == 'x') {
                char buf[64];
                if (prec < 0) {
                    std::snprintf(buf, sizeof buf, "%a", v);
                } else {
                    std::snprintf(buf, sizeof buf, "%.*a", prec, v);
                }
                body = buf;
                size_t pp = body.find('p');
                // Go writes at least two exponent digits.
                if (pp != std::string::npos && body.size() - pp == 3)
                    body.insert(pp + 2, "0");
                if (verb == 'X') {
                    for (char& c : body)
                        c = static_cast<char>(std::toupper(c));
                }
            } else if (lower == 'b') {
                int e = 0;
                double m = std::frexp(std::fabs(v), &e);
                auto mant = static_cast<uint64_t>(std::ldexp(m, 53));
                body = (std::signbit(v) ? "-" : "") + std::to_string(mant) + "p" +
                       (e - 53 >= 0 ? "+" : "") + std::to_string(e - 53);
            } else if (lower == 'g' && prec < 0) {
                appendShortestFloat(body, v);
            } else if (lower == 'e' && prec < 0) {
                // Shortest digits in %e form.
                char buf[64];
                auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
                body.assign(buf, r.ptr);
                size_t e = body.find('e');
                if (e != std::string::npos && body.size() - e == 3)
                    body.insert(e + 2, "0");
            } else {
                char fmtbuf[8];
                std::snprintf(fmtbuf, sizeof fmtbuf, "%%.*%c", lower == 'F' ? 'f' : lower);
                std::vector<char> buf(static_cast<size_t>(prec) + 400);
                std::snprintf(buf.data(), buf.size(), fmtbuf, prec, v);
                body = buf.data();
            }
            if (verb == 'E' || verb == 'G') {
                for (char& c : body) {
                    if (c == 'e')
                        c = 'E';
                }
            }
            num = body[0] == '-' ? body : "+" + body;
        }
        if (f.space && num[0] == '+' && !f.plus)
            num[0] = ' ';
        if (num[1] == 'I' || num[1] == 'N') {
            bool z = f.zero;
            f.zero = false;
            if (num[1] == 'N' && !f.space && !f.plus)
                num.erase(0, 1);
            pad(num);
            f.zero = z;
            return;
        }
        if (f.sharp && num.find('.') == std::string::npos) {
            size_t e = num.find_first_of("eE");
            if (e == std::string::npos) {
                num += '.';
            } else {
                num.insert(e, ".");
            }
        }
        if (f.plus || num[0] != '+') {
            if (f.zero && f.wid_present && f.wid > static_cast<int>(num.size())) {
                out_ += num[0];
                writePadding(f.wid - static_cast<int>(num.size()));
                out_.append(num, 1);
                return;
            }
            pad(num);
            return;
        }
        pad(std::string_view(num).substr(1));
    }

    std::string_view truncate(std::string_view s) {
        if (f.prec_present) {
            size_t i = 0;
            for (int n = 0; n < f.prec && i < s.size(); ++n) {
                size_t w = 0;
                decodeRune(s.substr(i), w);
                i += w;
            }
            return s.substr(0, i);
        }
        return s;
    }

    void fmtHex(std::string_view s, bool upper) {
        const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        size_t length = s.size();
        if (f.prec_present && static_cast<size_t>(f.prec) < length)
            length = f.prec;
        std::string buf;
        if (length == 0) {
            bool z = f.zero;
            f.zero = false;
            writePadding(f.wid);
            f.zero = z;
            return;
        }
        for (size_t i = 0; i < length; ++i) {
            if (f.space && i > 0)
                buf += ' ';
            if (f.sharp && (f.space || i == 0)) {
                buf += '0';
                buf += upper ? 'X' : 'x';
            }
            auto c = static_cast<unsigned char>(s[i]);
            buf += digits[c >> 4];
            buf += digits[c & 0xF];
        }
        pad(buf);
    }

    void fmtString(const std::string& s, int verb) {
        switch (verb) {
            case 'v':
                if (f.sharp_v) {
                    pad(quoteString(s, false));
                    return;
                }
                pad(truncate(s));
                return;
            case 's':
                pad(truncate(s));
                return;
            case 'x':
            case 'X':
                fmtHex(s, verb == 'X');
                return;
            case 'q': {
                std::string_view t = truncate(s);
                if (f.sharp && t.find('`') == std::string_view::npos) {
                    bool printable = true;
                    std::string_view r = t;
                    while (!r.empty()) {
                        size_t w = 0;
                        int c = decodeRune(r, w);
                        if ((c == kRuneError && w == 1) || (c != '\t' && !isPrintRune(c))) {
                            printable = false;
                        }
                        r.remove_prefix(w);
                    }
                    if (printable) {
                        pad("`" + std::string(t) + "`");
                        return;
                    }
                }
                pad(quoteString(t, f.plus));
                return;
            }
            default:
                badVerb(Value(s), verb);
        }
    }

    void fmtIntVerb(int64_t v, int verb) {
        auto u = static_cast<uint64_t>(v);
        switch (verb) {
            case 'v':
            case 'd':
                fmtInteger(u, 10, true, verb, false);
                return;
            case 'b':
                fmtInteger(u, 2, true, verb, false);
                return;
            case 'o':
            case 'O':
                fmtInteger(u, 8, true, verb, false);
                return;
            case 'x':
                fmtInteger(u, 16, true, verb, false);
                return;
            case 'X':
                fmtInteger(u, 16, true, verb, true);
                return;
            case 'c':
                if (v < 0 || v > 0x10FFFF) {
                    pad("\xEF\xBF\xBD");
                } else {
                    std::string s;
                    appendRune(s, static_cast<int>(v));
                    pad(s);
                }
                return;
            case 'q':
                pad(quoteRune(v < 0 || v > 0x10FFFF ? kRuneError : static_cast<int>(v), f.plus));
                return;
            case 'U':
                fmtUnicode(u);
                return;
            default:
                badVerb(Value(v), verb);
        }
    }

    void fmtFloatVerb(double d, int verb) {
        switch (verb) {
            case 'v':
                fmtFloat(d, 'g', f.prec_present ? f.prec : -1);
                return;
            case 'g':
            case 'G':
            case 'x':
            case 'X':
            case 'b':
                fmtFloat(d, verb, f.prec_present ? f.prec : -1);
                return;
            case 'e':
            case 'E':
            case 'f':
            case 'F':
                fmtFloat(d, verb == 'F' ? 'f' : verb, f.prec_present ? f.prec : 6);
                return;
            default:
                badVerb(Value(d), verb);
        }
    }

    // printValue/printArg: depth > 0 means inside a list or map.
    void printArg(const Value& v, int verb, int depth) {
        if (v.isNil()) {
            if (depth > 0) {
                pad("<nil>");
                return;
            }
            if (verb == 'v' || verb == 'T') {
                pad("<nil>");
            } else {
                out_ += "%!";
                appendRune(out_, verb);
                out_ += "(<nil>)";
            }
            return;
        }
        if (verb == 'T') {
            pad(v.typeName());
            return;
        }
        switch (v.kind()) {
            case Kind::Bool:
                if (verb == 't' || verb == 'v') {
                    fmtBool(v.asBool());
                } else {
                    badVerb(v, verb);
                }
                return;
            case Kind::Int:
                fmtIntVerb(v.asInt(), verb);
                return;
            case Kind::Double:
                fmtFloatVerb(v.asDouble(), verb);
                return;
            case Kind::String:
                fmtString(v.asString(), verb);
                return;
            case Kind::List: {
                out_ += '[';
                bool first = true;
                for (const auto& e : v.asList()) {
                    if (out_.size() > kMaxOutputBytes)
                        throw OutputTooLarge{};
                    if (!first)
                        out_ += ' ';
                    first = false;
                    printArg(e, verb, depth + 1);
                }
                out_ += ']';
                return;
            }
            case Kind::Map: {
                out_ += "map[";
                bool first = true;
                for (const auto& [k, e] : v.asMap()) {
                    if (out_.size() > kMaxOutputBytes)
                        throw OutputTooLarge{};
                    if (!first)
                        out_ += ' ';
                    first = false;
                    printArg(Value(k), verb, depth + 1);
                    out_ += ':';
                    printArg(e, verb, depth + 1);
                }
                out_ += ']';
                return;
            }
            default:
                pad("<nil>");
        }
    }

    void badVerb(const Value& v, int verb) {
        out_ += "%!";
        appendRune(out_, verb);
        out_ += '(';
        if (v.isNil()) {
            out_ += "<nil>";
        } else {
            out_ += v.typeName();
            out_ += '=';
            printArg(v, 'v', 0);
        }
        out_ += ')';
    }

private:
    std::string& out_;
};

bool parseNum(std::string_view s, size_t& i, int& num) {
    bool found = false;
    num = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (num > 1000000)
            return false;  // Go: "%!(NOVERB)"-ish overflow guard
        num = num * 10 + (s[i] - '0');
        ++i;
        found = true;
    }
    return found;
}

bool isStringish(const Value& v) {
    return v.isString();
}

}  // namespace

void appendShortestFloat(std::string& out, double f) {
    if (std::isnan(f)) {
        out += "NaN";
        return;
    }
    if (std::isinf(f)) {
        out += f > 0 ? "+Inf" : "-Inf";
        return;
    }
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::scientific);
    std::string_view sci(buf, static_cast<size_t>(r.ptr - buf));
    // sci = [-]d[.ddd]e[+-]xx
    bool neg = sci[0] == '-';
    if (neg)
        sci.remove_prefix(1);
    size_t e = sci.find('e');
    std::string digits;
    for (char c : sci.substr(0, e)) {
        if (c != '.')
            digits += c;
    }
    int exp = 0;
    std::from_chars(sci.data() + e + 1 + (sci[e + 1] == '+' ? 1 : 0), sci.data() + sci.size(), exp);
    if (neg)
        out += '-';
    if (exp < -4 || exp >= 6) {
        out += digits[0];
        if (digits.size() > 1) {
            out += '.';
            out.append(digits, 1);
        }
        out += 'e';
        out += exp < 0 ? '-' : '+';
        int a = exp < 0 ? -exp : exp;
        if (a < 10)
            out += '0';
        out += std::to_string(a);
        return;
    }
    if (exp < 0) {
        out += "0.";
        out.append(static_cast<size_t>(-exp - 1), '0');
        out += digits;
        return;
    }
    size_t int_len = static_cast<size_t>(exp) + 1;
    if (digits.size() <= int_len) {
        out += digits;
        out.append(int_len - digits.size(), '0');
    } else {
        out.append(digits, 0, int_len);
        out += '.';
        out.append(digits, int_len);
    }
}

void appendValue(std::string& out, const Value& v) {
    switch (v.kind()) {
        case Kind::String:
            out += v.asString();
            return;
        case Kind::Int: {
            char buf[24];
            auto r = std::to_chars(buf, buf + sizeof buf, v.asInt());
            out.append(buf, r.ptr);
            return;
        }
        case Kind::Bool:
            out += v.asBool() ? "true" : "false";
            return;
        case Kind::Double:
            appendShortestFloat(out, v.asDouble());
            return;
        default: {
            Printer p(out);
            p.printArg(v, 'v', 0);
        }
    }
}

void appendSprint(std::string& out, std::span<const Value> args) {
    for (size_t i = 0; i < args.size(); ++i) {
        if (i > 0 && !isStringish(args[i]) && !isStringish(args[i - 1]))
            out += ' ';
        appendValue(out, args[i]);
    }
}

void appendSprintln(std::string& out, std::span<const Value> args) {
    for (size_t i = 0; i < args.size(); ++i) {
        if (i > 0)
            out += ' ';
        appendValue(out, args[i]);
    }
    out += '\n';
}

void appendSprintf(std::string& out, std::string_view format, std::span<const Value> args) {
    Printer p(out);
    size_t arg_num = 0;
    size_t i = 0;
    const size_t end = format.size();
    while (i < end) {
        size_t last = i;
        while (i < end && format[i] != '%')
            ++i;
        out.append(format.substr(last, i - last));
        if (i >= end)
            break;
        ++i;  // skip %
        p.f = Flags{};
        for (; i < end; ++i) {
            char c = format[i];
            if (c == '#') {
                p.f.sharp = true;
            } else if (c == '0') {
                p.f.zero = !p.f.minus;
            } else if (c == '+') {
                p.f.plus = true;
            } else if (c == '-') {
                p.f.minus = true;
                p.f.zero = false;
            } else if (c == ' ') {
                p.f.space = true;
            } else {
                break;
            }
        }
        // Width.
        if (i < end && format[i] == '*') {
            ++i;
            if (arg_num < args.size() && args[arg_num].isInt() &&
                std::llabs(args[arg_num].asInt()) <= 1000000) {
                int w = static_cast<int>(args[arg_num].asInt());
                p.f.wid = w;
                p.f.wid_present = true;
                if (w < 0) {
                    p.f.minus = true;
                    p.f.zero = false;
                    p.f.wid = -w;
                }
            } else {
                out += "%!(BADWIDTH)";
            }
            ++arg_num;
        } else {
            p.f.wid_present = parseNum(format, i, p.f.wid);
        }
        // Precision.
        if (i + 1 <= end && i < end && format[i] == '.') {
            ++i;
            if (i < end && format[i] == '*') {
                ++i;
                if (arg_num < args.size() && args[arg_num].isInt() &&
                    std::llabs(args[arg_num].asInt()) <= 1000000) {
                    int pr = static_cast<int>(args[arg_num].asInt());
                    p.f.prec = pr;
                    p.f.prec_present = pr >= 0;
                    if (pr < 0)
                        p.f.prec = 0;
                } else {
                    out += "%!(BADPREC)";
                }
                ++arg_num;
            } else {
                p.f.prec_present = parseNum(format, i, p.f.prec);
                if (!p.f.prec_present) {
                    p.f.prec = 0;
                    p.f.prec_present = true;
                }
            }
        }
        if (i >= end) {
            out += "%!(NOVERB)";
            break;
        }
        size_t w = 0;
        int verb = decodeRune(format.substr(i), w);
        i += w;
        if (verb == '%') {
            out += '%';
        } else if (arg_num >= args.size()) {
            out += "%!";
            appendRune(out, verb);
            out += "(MISSING)";
        } else {
            if (verb == 'v' && p.f.sharp) {
                p.f.sharp = false;
                p.f.sharp_v = true;
            }
            p.printArg(args[arg_num], verb, 0);
            ++arg_num;
        }
    }
    if (arg_num < args.size()) {
        p.f = Flags{};
        out += "%!(EXTRA ";
        for (size_t k = arg_num; k < args.size(); ++k) {
            if (k > arg_num)
                out += ", ";
            if (args[k].isNil()) {
                out += "<nil>";
            } else {
                out += args[k].typeName();
                out += '=';
                p.printArg(args[k], 'v', 0);
            }
        }
        out += ')';
    }
}

}  // namespace vq::tmpl
