#include "render/yaml_scalar.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string_view>

namespace vq::render {
namespace {

bool parseInt(std::string text, int64_t& out) {
    std::erase(text, '_');
    if (text.empty())
        return false;
    bool neg = false;
    size_t pos = 0;
    if (text[0] == '+' || text[0] == '-') {
        neg = text[0] == '-';
        pos = 1;
    }
    std::string_view digits(text);
    digits.remove_prefix(pos);
    if (digits.empty())
        return false;
    int base = 10;
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        base = 16;
        digits.remove_prefix(2);
    } else if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'b' || digits[1] == 'B')) {
        base = 2;
        digits.remove_prefix(2);
    } else if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'o' || digits[1] == 'O')) {
        base = 8;
        digits.remove_prefix(2);
    } else if (digits.size() > 1 && digits[0] == '0') {
        base = 8;
        digits.remove_prefix(1);
    }
    if (digits.empty())
        return false;
    for (char c : digits) {
        bool ok = base == 16   ? std::isxdigit(static_cast<unsigned char>(c))
                  : base == 10 ? (c >= '0' && c <= '9')
                  : base == 8  ? (c >= '0' && c <= '7')
                               : (c == '0' || c == '1');
        if (!ok)
            return false;
    }
    std::string d(digits);
    errno = 0;
    char* end = nullptr;
    unsigned long long v = std::strtoull(d.c_str(), &end, base);
    if (errno != 0 || end != d.c_str() + d.size())
        return false;
    if (v > static_cast<unsigned long long>(INT64_MAX) + (neg ? 1ULL : 0ULL))
        return false;
    out = neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
    return true;
}

bool parseFloat(const std::string& text, double& out) {
    if (text == ".inf" || text == ".Inf" || text == ".INF" || text == "+.inf" || text == "+.Inf" ||
        text == "+.INF") {
        out = HUGE_VAL;
        return true;
    }
    if (text == "-.inf" || text == "-.Inf" || text == "-.INF") {
        out = -HUGE_VAL;
        return true;
    }
    if (text == ".nan" || text == ".NaN" || text == ".NAN") {
        out = std::strtod("nan", nullptr);
        return true;
    }
    // Must look like a number: digits with '.' or an exponent.
    bool digit = false;
    for (char c : text) {
        if (c >= '0' && c <= '9') {
            digit = true;
        } else if (c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-' && c != '_') {
            return false;
        }
    }
    if (!digit)
        return false;
    std::string t = text;
    std::erase(t, '_');
    char* end = nullptr;
    out = std::strtod(t.c_str(), &end);
    return end == t.c_str() + t.size();
}

}  // namespace

ResolvedScalar resolvePlainScalar(const std::string& text) {
    ResolvedScalar r;
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
        r.kind = ScalarKind::Null;
        return r;
    }
    static constexpr std::string_view kTrue[] = {"y",    "Y",    "yes", "Yes", "YES", "true",
                                                 "True", "TRUE", "on",  "On",  "ON"};
    static constexpr std::string_view kFalse[] = {"n",     "N",     "no",  "No",  "NO", "false",
                                                  "False", "FALSE", "off", "Off", "OFF"};
    for (auto t : kTrue) {
        if (text == t) {
            r.kind = ScalarKind::Bool;
            r.b = true;
            return r;
        }
    }
    for (auto f : kFalse) {
        if (text == f) {
            r.kind = ScalarKind::Bool;
            return r;
        }
    }
    if (parseInt(text, r.i)) {
        r.kind = ScalarKind::Int;
        return r;
    }
    if (parseFloat(text, r.f)) {
        r.kind = ScalarKind::Float;
        return r;
    }
    return r;
}

std::optional<YAML::Node> mapChild(const YAML::Node& map, std::string_view key) {
    if (!map.IsDefined() || !map.IsMap())
        return std::nullopt;
    for (const auto& kv : map) {
        if (kv.first.IsScalar() && kv.first.Scalar() == key)
            return kv.second;
    }
    return std::nullopt;
}

ResolvedScalar resolveYamlScalar(const YAML::Node& node) {
    if (node.IsNull())
        return {ScalarKind::Null};
    if (!node.IsScalar())
        return {};
    // yaml-cpp tags plain scalars "?" and quoted/block scalars "!".
    if (node.Tag() != "?")
        return {};
    return resolvePlainScalar(node.Scalar());
}

}  // namespace vq::render
