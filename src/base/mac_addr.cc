#include "base/mac_addr.h"

#include <cstdio>

#include "base/text.h"

namespace vq {
std::optional<MacAddr> MacAddr::parse(std::string_view text) {
    std::array<uint8_t, 6> out{};
    if (text.size() == 12) {
        for (size_t i = 0; i < 6; ++i) {
            int hi = hexDigitValue(text[2 * i]);
            int lo = hexDigitValue(text[2 * i + 1]);
            if (hi < 0 || lo < 0)
                return std::nullopt;
            out[i] = static_cast<uint8_t>(hi * 16 + lo);
        }
        return MacAddr(out);
    }
    if (text.size() != 17)
        return std::nullopt;
    const char sep = text[2];
    if (sep != ':' && sep != '-')
        return std::nullopt;
    for (size_t i = 0; i < 6; ++i) {
        const size_t pos = i * 3;
        if (i > 0 && text[pos - 1] != sep)
            return std::nullopt;
        int hi = hexDigitValue(text[pos]);
        int lo = hexDigitValue(text[pos + 1]);
        if (hi < 0 || lo < 0)
            return std::nullopt;
        out[i] = static_cast<uint8_t>(hi * 16 + lo);
    }
    return MacAddr(out);
}

uint64_t MacAddr::toU64() const {
    uint64_t v = 0;
    for (uint8_t b : bytes_)
        v = (v << 8) | b;
    return v;
}

std::string MacAddr::toString() const {
    char buf[18];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", bytes_[0], bytes_[1], bytes_[2],
                  bytes_[3], bytes_[4], bytes_[5]);
    return buf;
}

std::string MacAddr::toHyphenString() const {
    std::string s = toString();
    for (char& c : s) {
        if (c == ':')
            c = '-';
    }
    return s;
}

}  // namespace vq
