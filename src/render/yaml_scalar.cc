#include "render/yaml_scalar.h"

namespace vq::render {

YamlScalar resolveYamlScalar(const YAML::Node& node) {
    if (node.IsNull())
        return YamlScalar{YamlScalarKind::Null};
    // yaml-cpp tags plain scalars "?" and quoted/block scalars "!".
    if (!node.IsScalar() || node.Tag() != "?")
        return YamlScalar{};
    return resolvePlainYamlScalar(node.Scalar());
}

std::optional<YAML::Node> mapChild(const YAML::Node& map, std::string_view key) {
    if (!map.IsDefined() || !map.IsMap())
        return std::nullopt;
    for (const auto& kv : map) {
        if (kv.first.IsScalar() && kv.first.Scalar() == key)
            return kv.second;
    }
    return std::nullopt;
}

}  // namespace vq::render
