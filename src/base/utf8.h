#pragma once
// UTF-8 validation for text that must be UTF-8 (YAML sources: YAML 1.2 requires it, and Go's
// yaml.v2 that the original used refuses anything else).

#include <cstddef>
#include <string_view>

namespace vq {

// Offset of the first byte that does not start a valid UTF-8 sequence (overlong forms,
// surrogates and code points past U+10FFFF are invalid), or npos when all of `s` is valid.
size_t firstInvalidUtf8(std::string_view s);

}  // namespace vq
