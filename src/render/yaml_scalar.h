#pragma once
// How a plain YAML scalar resolves under YAML 1.1, as go-yaml v2 (and so the original's
// config validators and transpilers) resolved it: `yes`/`on` are booleans, `0644` is octal,
// `~` is null. Quoted and block scalars are always strings.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

namespace vq::render {

enum class ScalarKind { Null, Bool, Int, Float, String };

struct ResolvedScalar {
    ScalarKind kind = ScalarKind::String;
    bool b = false;
    int64_t i = 0;
    double f = 0;
};

// For a non-scalar node the kind is String and the caller should not look further.
ResolvedScalar resolveYamlScalar(const YAML::Node& node);
ResolvedScalar resolvePlainScalar(const std::string& text);

// The value of `key` in a map node, without yaml-cpp's throwing lookups; nullopt when the
// node is not a map or has no such key.
std::optional<YAML::Node> mapChild(const YAML::Node& map, std::string_view key);

}  // namespace vq::render
