#include "tftp/core/netascii.h"

namespace vq::tftp {

std::vector<uint8_t> toNetascii(std::span<const uint8_t> in) {
    std::vector<uint8_t> out;
    out.reserve(in.size() + in.size() / 16);
    for (uint8_t c : in) {
        if (c == '\n') {
            out.push_back('\r');
            out.push_back('\n');
        } else if (c == '\r') {
            out.push_back('\r');
            out.push_back('\0');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace vq::tftp
