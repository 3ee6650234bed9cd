#include "http/query.h"

#include "base/text.h"

namespace vq::http {
namespace {

bool isUnreserved(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

}  // namespace

std::optional<std::string> percentDecode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size())
                return std::nullopt;
            const int hi = hexDigitValue(text[i + 1]);
            const int lo = hexDigitValue(text[i + 2]);
            if (hi < 0 || lo < 0)
                return std::nullopt;
            const char decoded = static_cast<char>(hi * 16 + lo);
            if (decoded == '\0')
                return std::nullopt;
            out.push_back(decoded);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out.push_back(' ');
        } else if (c == '\0') {
            return std::nullopt;
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::string percentEncode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (isUnreserved(c)) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xF]);
        }
    }
    return out;
}

std::optional<Query> Query::parse(std::string_view raw) {
    Query q;
    while (!raw.empty()) {
        const size_t amp = raw.find('&');
        const std::string_view part = raw.substr(0, amp);
        raw = amp == std::string_view::npos ? std::string_view{} : raw.substr(amp + 1);
        if (part.empty())
            continue;
        const size_t eq = part.find('=');
        auto key = percentDecode(part.substr(0, eq), true);
        auto value = percentDecode(
            eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1), true);
        if (!key || !value)
            return std::nullopt;
        q.items_.emplace_back(std::move(*key), std::move(*value));
    }
    return q;
}

std::optional<std::string_view> Query::get(std::string_view key) const {
    for (const auto& [k, v] : items_) {
        if (k == key)
            return std::string_view(v);
    }
    return std::nullopt;
}

std::string Query::value(std::string_view key, std::string_view fallback) const {
    auto v = get(key);
    return std::string(v ? *v : fallback);
}

std::vector<std::string_view> Query::all(std::string_view key) const {
    std::vector<std::string_view> out;
    for (const auto& [k, v] : items_) {
        if (k == key)
            out.emplace_back(v);
    }
    return out;
}

}  // namespace vq::http
