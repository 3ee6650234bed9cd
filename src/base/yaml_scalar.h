#pragma once
// What a plain YAML scalar means, by the rules of Go's gopkg.in/yaml.v2 decoding into
// interface{}: the original decoded its SoT that way, so templates, validation and the config
// transpilers must all read `yes`, `0644` or `~` as it did. YAML 1.1 booleans (y/yes/on/off
// and their capitalised forms), nulls (empty, ~, null), ints through Go's strconv with
// underscores dropped (0644 octal, 0o17, 0x1F, 0b101, 1_000), floats (.5, 1e3, .inf, .nan),
// and everything else a string: timestamps, sexagesimal numbers and MAC addresses included.
// Quoted, block and tagged scalars never come here; they are strings or follow their tag.

#include <cstdint>
#include <string_view>

namespace vq {

enum class YamlScalarKind : uint8_t {
    Null,
    Bool,
    Int,    // fits int64 (Go's int)
    Uint,   // above INT64_MAX, up to UINT64_MAX (Go's uint64)
    Float,  // Go's float64, including +-Inf and NaN
    String,
};

struct YamlScalar {
    YamlScalarKind kind = YamlScalarKind::String;
    bool boolean = false;   // Bool
    int64_t integer = 0;    // Int
    uint64_t uinteger = 0;  // Uint
    double number = 0;      // Float
};

// Pure and allocation-free for the common case; any input is accepted (a string is the
// fallback), so untrusted text cannot make it fail.
YamlScalar resolvePlainYamlScalar(std::string_view text);

}  // namespace vq
