#pragma once
// yaml-cpp node helpers for the config checks and transpilers. A plain scalar means what Go's
// yaml.v2 (and so the original's validators and transpilers) made of it: base/yaml_scalar.h.

#include <optional>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "base/yaml_scalar.h"

namespace vq::render {

// Null nodes are Null; quoted, block and tagged scalars are strings, and so is anything that
// is not a scalar (callers check IsScalar() before using the value).
YamlScalar resolveYamlScalar(const YAML::Node& node);

// The value of `key` in a map node, without yaml-cpp's throwing lookups; nullopt when the
// node is not a map or has no such key.
std::optional<YAML::Node> mapChild(const YAML::Node& map, std::string_view key);

}  // namespace vq::render
