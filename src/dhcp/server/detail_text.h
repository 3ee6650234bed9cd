#pragma once
// Appends addresses to the key=value detail of every exchange without snprintf or a
// temporary string: the detail is built for each request on the hot path, and the
// base toString() helpers (snprintf into a new string) cost more than the rest of an
// exchange. Output is the same text as Ipv4::toString() and MacAddr::toString().
#include <string>

#include "base/ipv4.h"
#include "base/mac_addr.h"

namespace vq::dhcp {

inline void appendDecimal(std::string& out, unsigned v) {
    char buf[10];
    char* end = buf + sizeof buf;
    char* p = end;
    do {
        *--p = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    out.append(p, end);
}

inline void appendIp(std::string& out, Ipv4 ip) {
    const uint32_t v = ip.value();
    for (int shift = 24; shift >= 0; shift -= 8) {
        appendDecimal(out, (v >> shift) & 0xff);
        if (shift != 0)
            out.push_back('.');
    }
}

inline void appendMac(std::string& out, const MacAddr& mac) {
    static constexpr char kHex[] = "0123456789abcdef";
    char buf[17];
    char* p = buf;
    for (size_t i = 0; i < 6; ++i) {
        const uint8_t b = mac.bytes()[i];
        if (i != 0)
            *p++ = ':';
        *p++ = kHex[b >> 4];
        *p++ = kHex[b & 15];
    }
    out.append(buf, sizeof buf);
}

}  // namespace vq::dhcp
