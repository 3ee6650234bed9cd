#pragma once
// The Range request header, single range only (what iPXE, curl and installers use).

#include <cstdint>
#include <optional>
#include <string_view>

namespace vq::http {

struct ByteRange {
    uint64_t first = 0;
    uint64_t length = 0;
};

enum class RangeKind {
    kNone,         // absent, or something we answer with the whole file (multi-range, other units)
    kSatisfiable,  // 206 with `range`
    kUnsatisfiable,  // 416
};

struct RangeResult {
    RangeKind kind = RangeKind::kNone;
    ByteRange range;
};

// Interprets "bytes=a-b", "bytes=a-" and "bytes=-n" against a file of `size` bytes.
// Malformed headers are ignored (RFC 9110 lets a server serve the whole representation).
RangeResult parseRange(std::string_view header, uint64_t size);

}  // namespace vq::http
