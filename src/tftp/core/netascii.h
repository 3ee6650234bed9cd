#pragma once
// netascii (RFC 764 via RFC 1350): LF becomes CR LF and a bare CR becomes CR NUL.

#include <cstdint>
#include <span>
#include <vector>

namespace vq::tftp {

std::vector<uint8_t> toNetascii(std::span<const uint8_t> in);

}  // namespace vq::tftp
