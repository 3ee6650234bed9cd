#include "http/range.h"

#include <charconv>

namespace vq::http {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

std::optional<uint64_t> number(std::string_view s) {
    if (s.empty())
        return std::nullopt;
    uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size())
        return std::nullopt;
    return v;
}

}  // namespace

RangeResult parseRange(std::string_view header, uint64_t size) {
    header = trim(header);
    constexpr std::string_view kUnit = "bytes=";
    if (header.size() < kUnit.size())
        return {};
    for (size_t i = 0; i < kUnit.size(); ++i) {
        if ((header[i] | 0x20) != kUnit[i] && header[i] != kUnit[i])
            return {};
    }
    const std::string_view spec = trim(header.substr(kUnit.size()));
    if (spec.find(',') != std::string_view::npos)
        return {};
    const size_t dash = spec.find('-');
    if (dash == std::string_view::npos)
        return {};
    const auto first_text = trim(spec.substr(0, dash));
    const auto last_text = trim(spec.substr(dash + 1));
    if (first_text.empty()) {
        auto suffix = number(last_text);
        if (!suffix)
            return {};
        if (*suffix == 0 || size == 0)
            return {RangeKind::kUnsatisfiable, {}};
        const uint64_t n = *suffix < size ? *suffix : size;
        return {RangeKind::kSatisfiable, {size - n, n}};
    }
    auto first = number(first_text);
    if (!first)
        return {};
    uint64_t last = size == 0 ? 0 : size - 1;
    if (!last_text.empty()) {
        auto l = number(last_text);
        if (!l || *l < *first)
            return {};
        if (*l < last)
            last = *l;
    }
    if (*first >= size)
        return {RangeKind::kUnsatisfiable, {}};
    return {RangeKind::kSatisfiable, {*first, last - *first + 1}};
}

}  // namespace vq::http
