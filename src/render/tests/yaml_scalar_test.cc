// The config transpilers read yaml-cpp nodes; every plain scalar of the yaml.v2 golden table
// (src/base/testdata) must resolve to the kind Go's yaml.v2 gave it, quoted ones to strings.

#include "render/yaml_scalar.h"

#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace vq::render {
namespace {

YamlScalarKind goKind(const std::string& type) {
    if (type == "<nil>")
        return YamlScalarKind::Null;
    if (type == "bool")
        return YamlScalarKind::Bool;
    if (type == "int")
        return YamlScalarKind::Int;
    if (type == "uint64")
        return YamlScalarKind::Uint;
    if (type == "float64")
        return YamlScalarKind::Float;
    return YamlScalarKind::String;
}

TEST(YamlScalarNode, PlainScalarsResolveAsGoYamlV2) {
    std::ifstream f("src/base/testdata/yaml_scalars.golden.jsonl");
    std::string line;
    size_t rows = 0;
    while (std::getline(f, line)) {
        const auto row = nlohmann::json::parse(line);
        const std::string in = row.at("in"), type = row.at("type");
        if (type == "error")
            continue;
        SCOPED_TRACE("v: " + in);
        ++rows;
        const YAML::Node doc = YAML::Load("v: " + in + "\n");
        const auto v = mapChild(doc, "v");
        ASSERT_TRUE(v);
        EXPECT_EQ(resolveYamlScalar(*v).kind, goKind(type));
        if (type == "int") {
            EXPECT_EQ(std::to_string(resolveYamlScalar(*v).integer),
                      row.at("value").get<std::string>());
        }
    }
    EXPECT_GE(rows, 60u);
}

TEST(YamlScalarNode, QuotedBlockAndCollectionsAreNotResolved) {
    const YAML::Node doc = YAML::Load("a: '0644'\nb: \"on\"\nc: |\n  yes\nd: [1]\ne: ~\n");
    EXPECT_EQ(resolveYamlScalar(doc["a"]).kind, YamlScalarKind::String);
    EXPECT_EQ(resolveYamlScalar(doc["b"]).kind, YamlScalarKind::String);
    EXPECT_EQ(resolveYamlScalar(doc["c"]).kind, YamlScalarKind::String);
    EXPECT_EQ(resolveYamlScalar(doc["d"]).kind, YamlScalarKind::String);
    EXPECT_EQ(resolveYamlScalar(doc["e"]).kind, YamlScalarKind::Null);
    EXPECT_FALSE(mapChild(doc, "zz"));
}

}  // namespace
}  // namespace vq::render
