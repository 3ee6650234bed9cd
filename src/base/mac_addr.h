#pragma once
// A 48-bit Ethernet address. Parsing accepts the spellings operators and firmware
// use: colon or hyphen separated, any case (iPXE sends ${net0/mac:hexhyp}).

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace vq {

class MacAddr {
public:
    MacAddr() = default;
    explicit MacAddr(const std::array<uint8_t, 6>& bytes) : bytes_(bytes) {}

    // Accepts "aa:bb:cc:dd:ee:ff", "AA-BB-CC-DD-EE-FF" and "aabbccddeeff".
    static std::optional<MacAddr> parse(std::string_view text);

    const std::array<uint8_t, 6>& bytes() const { return bytes_; }
    uint64_t toU64() const;
    // Canonical form: lower-case, colon separated.
    std::string toString() const;
    std::string toHyphenString() const;

    auto operator<=>(const MacAddr&) const = default;

private:
    std::array<uint8_t, 6> bytes_{};
};

}  // namespace vq

template <>
struct std::hash<vq::MacAddr> {
    size_t operator()(const vq::MacAddr& m) const noexcept {
        // Mix so that sequential MACs spread over buckets.
        uint64_t x = m.toU64() * 0x9E3779B97F4A7C15ull;
        return static_cast<size_t>(x ^ (x >> 29));
    }
};
