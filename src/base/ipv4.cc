#include "base/ipv4.h"

#include <charconv>
#include <cstdio>

namespace vq {

std::optional<Ipv4> Ipv4::parse(std::string_view text) {
    uint32_t value = 0;
    size_t pos = 0;
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (pos >= text.size() || text[pos] != '.')
                return std::nullopt;
            ++pos;
        }
        size_t start = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9')
            ++pos;
        const size_t len = pos - start;
        if (len == 0 || len > 3)
            return std::nullopt;
        if (len > 1 && text[start] == '0')
            return std::nullopt;  // no octal-looking parts
        unsigned octet = 0;
        std::from_chars(text.data() + start, text.data() + pos, octet);
        if (octet > 255)
            return std::nullopt;
        value = (value << 8) | octet;
    }
    if (pos != text.size())
        return std::nullopt;
    return Ipv4(value);
}

std::string Ipv4::toString() const {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", (value_ >> 24) & 0xff, (value_ >> 16) & 0xff,
                  (value_ >> 8) & 0xff, value_ & 0xff);
    return buf;
}

Cidr::Cidr(Ipv4 network, int prefix_len) : address_(network), prefix_len_(prefix_len) {}

std::optional<Cidr> Cidr::parse(std::string_view text) {
    const size_t slash = text.find('/');
    if (slash == std::string_view::npos)
        return std::nullopt;
    auto ip = Ipv4::parse(text.substr(0, slash));
    if (!ip)
        return std::nullopt;
    std::string_view len_text = text.substr(slash + 1);
    if (len_text.empty() || len_text.size() > 2)
        return std::nullopt;
    int len = 0;
    auto [ptr, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), len);
    if (ec != std::errc() || ptr != len_text.data() + len_text.size() || len < 0 || len > 32) {
        return std::nullopt;
    }
    return Cidr(*ip, len);
}

Ipv4 Cidr::mask() const {
    if (prefix_len_ == 0)
        return Ipv4(0);
    return Ipv4(~uint32_t{0} << (32 - prefix_len_));
}

bool Cidr::contains(Ipv4 ip) const {
    return (ip.value() & mask().value()) == network().value();
}

std::string Cidr::toString() const {
    return address_.toString() + "/" + std::to_string(prefix_len_);
}

}  // namespace vq
