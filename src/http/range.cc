#include "http/range.h"

#include "base/text.h"

namespace vq::http {
RangeResult parseRange(std::string_view header, uint64_t size) {
    header = trimBlanks(header);
    constexpr std::string_view kUnit = "bytes=";
    if (header.size() < kUnit.size())
        return {};
    for (size_t i = 0; i < kUnit.size(); ++i) {
        if ((header[i] | 0x20) != kUnit[i] && header[i] != kUnit[i])
            return {};
    }
    const std::string_view spec = trimBlanks(header.substr(kUnit.size()));
    if (spec.find(',') != std::string_view::npos)
        return {};
    const size_t dash = spec.find('-');
    if (dash == std::string_view::npos)
        return {};
    const auto first_text = trimBlanks(spec.substr(0, dash));
    const auto last_text = trimBlanks(spec.substr(dash + 1));
    if (first_text.empty()) {
        auto suffix = parseDecimal(last_text);
        if (!suffix)
            return {};
        if (*suffix == 0 || size == 0)
            return {RangeKind::kUnsatisfiable, {}};
        const uint64_t n = *suffix < size ? *suffix : size;
        return {RangeKind::kSatisfiable, {size - n, n}};
    }
    auto first = parseDecimal(first_text);
    if (!first)
        return {};
    uint64_t last = size == 0 ? 0 : size - 1;
    if (!last_text.empty()) {
        auto l = parseDecimal(last_text);
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
