#include "base/yaml_scalar.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <system_error>

#include "base/text.h"

namespace vq {
namespace {

using Kind = YamlScalarKind;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The spellings yaml.v2 looks up before trying numbers; case variants beyond these (`yEs`,
// `.iNf`, `+.nan`) are strings.
struct Word {
    std::string_view text;
    Kind kind;
    bool boolean = false;
    double number = 0;
};
constexpr Word kWords[] = {
    {"y", Kind::Bool, true},
    {"Y", Kind::Bool, true},
    {"yes", Kind::Bool, true},
    {"Yes", Kind::Bool, true},
    {"YES", Kind::Bool, true},
    {"true", Kind::Bool, true},
    {"True", Kind::Bool, true},
    {"TRUE", Kind::Bool, true},
    {"on", Kind::Bool, true},
    {"On", Kind::Bool, true},
    {"ON", Kind::Bool, true},
    {"n", Kind::Bool},
    {"N", Kind::Bool},
    {"no", Kind::Bool},
    {"No", Kind::Bool},
    {"NO", Kind::Bool},
    {"false", Kind::Bool},
    {"False", Kind::Bool},
    {"FALSE", Kind::Bool},
    {"off", Kind::Bool},
    {"Off", Kind::Bool},
    {"OFF", Kind::Bool},
    {"", Kind::Null},
    {"~", Kind::Null},
    {"null", Kind::Null},
    {"Null", Kind::Null},
    {"NULL", Kind::Null},
    {".nan", Kind::Float, 0, kNaN},
    {".NaN", Kind::Float, 0, kNaN},
    {".NAN", Kind::Float, 0, kNaN},
    {".inf", Kind::Float, 0, kInf},
    {".Inf", Kind::Float, 0, kInf},
    {".INF", Kind::Float, 0, kInf},
    {"+.inf", Kind::Float, 0, kInf},
    {"+.Inf", Kind::Float, 0, kInf},
    {"+.INF", Kind::Float, 0, kInf},
    {"-.inf", Kind::Float, 0, -kInf},
    {"-.Inf", Kind::Float, 0, -kInf},
    {"-.INF", Kind::Float, 0, -kInf},
};
constexpr size_t kLongestWord = 5;

// yaml.v2 decides from the first character which rules may apply at all; a scalar whose
// first character has no hint (most names, paths and addresses) is a string at once.
enum class Hint { None, Word, Dot, Number };

Hint hintOf(std::string_view t) {
    if (t.empty())
        return Hint::Word;
    const char c = t[0];
    if ((c >= '0' && c <= '9') || c == '+' || c == '-')
        return Hint::Number;
    if (c == '.')
        return Hint::Dot;
    switch (c) {
        case 'y':
        case 'Y':
        case 'n':
        case 'N':
        case 't':
        case 'T':
        case 'f':
        case 'F':
        case 'o':
        case 'O':
        case '~':
            return Hint::Word;
        default:
            return Hint::None;
    }
}

YamlScalar stringScalar() {
    return YamlScalar{};
}

YamlScalar floatScalar(double v) {
    YamlScalar s;
    s.kind = Kind::Float;
    s.number = v;
    return s;
}

std::optional<YamlScalar> lookupWord(std::string_view t) {
    if (t.size() > kLongestWord)
        return std::nullopt;
    for (const Word& w : kWords) {
        if (w.text == t) {
            YamlScalar s;
            s.kind = w.kind;
            s.boolean = w.boolean;
            s.number = w.number;
            return s;
        }
    }
    return std::nullopt;
}

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

std::string withoutUnderscores(std::string_view t) {
    std::string out;
    out.reserve(t.size());
    for (char c : t) {
        if (c != '_')
            out.push_back(c);
    }
    return out;
}

// Go's strconv.ParseUint(s, 0, 64): a 0b/0o/0x prefix in either case, or a bare leading 0
// for octal (so 08 is no integer); no sign; the caller has dropped underscores already.
std::optional<uint64_t> parseGoUnsigned(std::string_view s) {
    if (s.empty())
        return std::nullopt;
    int base = 10;
    if (s[0] == '0') {
        const char p = s.size() >= 3 ? static_cast<char>(s[1] | 0x20) : '\0';
        base = p == 'b' ? 2 : p == 'o' ? 8 : p == 'x' ? 16 : 8;
        s.remove_prefix(p == 'b' || p == 'o' || p == 'x' ? 2 : 1);
    }
    uint64_t v = 0;
    for (char c : s) {
        const int d = hexDigitValue(c);
        if (d < 0 || d >= base)
            return std::nullopt;
        const auto ud = static_cast<uint64_t>(d);
        if (v > (UINT64_MAX - ud) / static_cast<uint64_t>(base))
            return std::nullopt;
        v = v * static_cast<uint64_t>(base) + ud;
    }
    return v;
}

// Go's strconv.ParseInt(s, 0, 64): an optional sign, then ParseUint's syntax, in int64 range.
std::optional<int64_t> parseGoSigned(std::string_view s) {
    bool neg = false;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        s.remove_prefix(1);
    }
    auto u = parseGoUnsigned(s);
    if (!u)
        return std::nullopt;
    constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    if (*u > kMax + (neg ? 1 : 0))
        return std::nullopt;
    return neg ? static_cast<int64_t>(0 - *u) : static_cast<int64_t>(*u);
}

// Counts a run of ASCII digits starting at i and moves past it.
size_t skipDigits(std::string_view s, size_t& i) {
    const size_t start = i;
    while (i < s.size() && isDigit(s[i]))
        ++i;
    return i - start;
}

// yaml.v2's gate before ParseFloat for scalars that start with a digit or sign:
// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool looksLikeYamlFloat(std::string_view s) {
    size_t i = 0;
    if (i < s.size() && (s[i] == '+' || s[i] == '-'))
        ++i;
    if (i < s.size() && s[i] == '.') {
        ++i;
        if (skipDigits(s, i) == 0)
            return false;
    } else {
        if (skipDigits(s, i) == 0)
            return false;
        if (i < s.size() && s[i] == '.') {
            ++i;
            skipDigits(s, i);
        }
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-'))
            ++i;
        if (skipDigits(s, i) == 0)
            return false;
    }
    return i == s.size();
}

// Digits in Go's literal syntax: at least one, an underscore only between two digits.
bool skipGoDigits(std::string_view s, size_t& i) {
    if (i >= s.size() || !isDigit(s[i]))
        return false;
    ++i;
    while (i < s.size()) {
        if (isDigit(s[i])) {
            ++i;
        } else if (s[i] == '_' && i + 1 < s.size() && isDigit(s[i + 1])) {
            i += 2;
        } else {
            break;
        }
    }
    return true;
}

// What Go's strconv.ParseFloat accepts for text starting with '.': .DIGITS[eE[+-]DIGITS].
// Here underscores are kept by yaml.v2, so Go's digit-separator rule decides.
bool looksLikeGoDotFloat(std::string_view s) {
    size_t i = 1;
    if (!skipGoDigits(s, i))
        return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-'))
            ++i;
        if (!skipGoDigits(s, i))
            return false;
    }
    return i == s.size();
}

// For an unsigned decimal that from_chars found out of range: true when it is too large
// (Go's ErrRange), false when it is too small (Go rounds it to zero without an error).
bool tooLarge(std::string_view s) {
    const size_t e = s.find_first_of("eE");
    const std::string_view mantissa = s.substr(0, e);
    int64_t exponent = 0;
    if (e != std::string_view::npos) {
        size_t i = e + 1;
        const bool neg = i < s.size() && s[i] == '-';
        if (i < s.size() && (s[i] == '+' || s[i] == '-'))
            ++i;
        for (; i < s.size(); ++i) {
            exponent = std::min<int64_t>(exponent * 10 + (s[i] - '0'), 1'000'000);
        }
        if (neg)
            exponent = -exponent;
    }
    size_t dot = mantissa.find('.');
    if (dot == std::string_view::npos)
        dot = mantissa.size();
    const size_t lead = mantissa.find_first_of("123456789");
    if (lead == std::string_view::npos)
        return false;
    const int64_t lead_exponent =
        lead < dot ? static_cast<int64_t>(dot - lead - 1) : -static_cast<int64_t>(lead - dot);
    return exponent + lead_exponent >= 0;
}

// A decimal float that passed one of the syntax gates above, without underscores, rounded
// to nearest as Go's ParseFloat does; nullopt when it overflows.
std::optional<double> toDouble(std::string_view s) {
    bool neg = false;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        s.remove_prefix(1);
    }
    double v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ptr != s.data() + s.size())
        return std::nullopt;
    if (ec == std::errc::result_out_of_range) {
        if (tooLarge(s))
            return std::nullopt;
        v = 0;
    } else if (ec != std::errc()) {
        return std::nullopt;
    }
    return neg ? -v : v;
}

YamlScalar resolveDotted(std::string_view t) {
    if (!looksLikeGoDotFloat(t))
        return stringScalar();
    const std::string plain = withoutUnderscores(t);
    if (auto f = toDouble(plain))
        return floatScalar(*f);
    return stringScalar();
}

// Scalars starting with a digit or a sign. yaml.v2 first tries a timestamp (YYYY-M-D...),
// but decoded into interface{} a timestamp stays the string it was written as, and no
// timestamp is also an int or a float, so that step changes nothing here. Its extra 0b/-0b
// fallbacks are covered by ParseInt's own prefixes.
YamlScalar resolveNumber(std::string_view t) {
    std::string buffer;
    std::string_view plain = t;
    if (t.find('_') != std::string_view::npos) {
        buffer = withoutUnderscores(t);
        plain = buffer;
    }
    YamlScalar s;
    if (auto i = parseGoSigned(plain)) {
        s.kind = Kind::Int;
        s.integer = *i;
        return s;
    }
    if (auto u = parseGoUnsigned(plain)) {
        s.kind = Kind::Uint;
        s.uinteger = *u;
        return s;
    }
    if (looksLikeYamlFloat(plain)) {
        if (auto f = toDouble(plain))
            return floatScalar(*f);
    }
    return stringScalar();
}

}  // namespace

YamlScalar resolvePlainYamlScalar(std::string_view text) {
    const Hint hint = hintOf(text);
    if (hint == Hint::None)
        return stringScalar();
    if (auto w = lookupWord(text))
        return *w;
    switch (hint) {
        case Hint::Dot:
            return resolveDotted(text);
        case Hint::Number:
            return resolveNumber(text);
        case Hint::Word:
        case Hint::None:
            break;
    }
    return stringScalar();
}

}  // namespace vq
