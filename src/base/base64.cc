#include "base/base64.h"

#include <array>
#include <cstdint>

namespace vq {
namespace {

constexpr std::string_view kStandard =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrl =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<int8_t, 256> reverse(std::string_view alphabet) {
    std::array<int8_t, 256> r{};
    for (auto& v : r)
        v = -1;
    for (size_t i = 0; i < alphabet.size(); ++i)
        r[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
    return r;
}
constexpr auto kStandardReverse = reverse(kStandard);
constexpr auto kUrlReverse = reverse(kUrl);

}  // namespace

std::string base64Encode(std::string_view bytes, Base64 form) {
    const std::string_view alphabet = form == Base64::url ? kUrl : kStandard;
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const uint32_t v = (uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                           (uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8) |
                           uint32_t{static_cast<unsigned char>(bytes[i + 2])};
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    const size_t rest = bytes.size() - i;
    if (rest == 0)
        return out;
    uint32_t v = uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
    if (rest == 2)
        v |= uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (rest == 2)
        out += alphabet[(v >> 6) & 63];
    if (form == Base64::standard)
        out.append(3 - rest, '=');
    return out;
}

std::optional<std::string> base64Decode(std::string_view text, Base64 form) {
    const auto& values = form == Base64::url ? kUrlReverse : kStandardReverse;
    if (form == Base64::standard) {
        // Whole quads, the last with at most two '=' at its end.
        if (text.size() % 4 != 0)
            return std::nullopt;
        for (int pad = 0; pad < 2 && !text.empty() && text.back() == '='; ++pad)
            text.remove_suffix(1);
    }
    // A single leftover character cannot encode a byte.
    if (text.size() % 4 == 1)
        return std::nullopt;
    std::string out;
    out.reserve(text.size() * 3 / 4);
    uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        const int8_t v = values[static_cast<unsigned char>(c)];
        if (v < 0)
            return std::nullopt;  // '=' too: it is not in either alphabet
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    return out;
}

}  // namespace vq
