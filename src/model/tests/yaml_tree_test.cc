#include "model/yaml_tree.h"

#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "model/raw.h"
#include "tmpl/template.h"

namespace vq::model {
namespace {

// The SoT path must read every scalar of the yaml.v2 golden table (src/base/testdata) as the
// original did: same kind for validation, same Go type and text for templates.
TEST(YamlTree, PlainScalarsResolveAsGoYamlV2) {
    std::ifstream f("src/base/testdata/yaml_scalars.golden.jsonl");
    std::string line;
    size_t rows = 0;
    tmpl::TemplateSet set;  // the oracle rendered the same text with Go's text/template
    ASSERT_TRUE(set.parse("t", R"({{printf "%T" .v}}|{{.v}})"));
    while (std::getline(f, line)) {
        const auto row = nlohmann::json::parse(line);
        const std::string in = row.at("in"), type = row.at("type");
        SCOPED_TRACE("v: " + in);
        ++rows;
        auto file = parseYaml("v: " + in + "\n");
        if (type == "error") {
            EXPECT_TRUE(file.error);  // not a plain scalar in that position
            continue;
        }
        ASSERT_FALSE(file.error) << file.error->message;
        ASSERT_EQ(file.docs.size(), 1u);
        const YamlDoc& d = file.docs[0];
        const uint32_t v = d.find(d.root(), "v");
        const YamlScalarKind want = type == "<nil>"     ? YamlScalarKind::Null
                                    : type == "bool"    ? YamlScalarKind::Bool
                                    : type == "int"     ? YamlScalarKind::Int
                                    : type == "uint64"  ? YamlScalarKind::Uint
                                    : type == "float64" ? YamlScalarKind::Float
                                                        : YamlScalarKind::String;
        EXPECT_EQ(d.scalarType(v), want);
        if (type == "uint64")
            continue;  // templates see the nearest float64 (tmpl's yaml_data_test)
        auto out = set.execute("t", RawBuilder(d).build(d.root()));
        ASSERT_TRUE(out) << out.message();
        EXPECT_EQ(*out, row.at("render").get<std::string>());
    }
    EXPECT_GE(rows, 60u);
}

TEST(YamlTree, TypedAccessorsFollowTheResolver) {
    auto f = parseYaml("a: 0644\nb: 'on'\nc: off\nd: 1e3\ne: 18446744073709551615\nf: 08\n");
    ASSERT_FALSE(f.error);
    const YamlDoc& d = f.docs[0];
    const uint32_t root = d.root();
    EXPECT_EQ(d.asInt(d.find(root, "a")), 420);
    EXPECT_FALSE(d.asBool(d.find(root, "b")));  // quoted: a string
    EXPECT_EQ(d.asBool(d.find(root, "c")), false);
    EXPECT_FALSE(d.asInt(d.find(root, "d")));
    EXPECT_EQ(d.asFloat(d.find(root, "d")), 1000.0);
    EXPECT_FALSE(d.asInt(d.find(root, "e")));
    EXPECT_EQ(d.scalarType(d.find(root, "e")), YamlScalarKind::Uint);
    EXPECT_FALSE(d.asInt(d.find(root, "f")));  // not octal: Go reads it as the float 8
    EXPECT_EQ(d.asFloat(d.find(root, "f")), 8.0);
}

TEST(YamlTree, KeepsMarksAndQuoting) {
    auto f = parseYaml("---\na: 1\nb:\n  - 'x'\n  - y\nc: |\n  text\n");
    ASSERT_FALSE(f.error);
    ASSERT_EQ(f.docs.size(), 1u);
    const YamlDoc& d = f.docs[0];
    const uint32_t root = d.root();
    ASSERT_TRUE(d.isMap(root));
    EXPECT_EQ(d.node(root).line, 2);
    const uint32_t b = d.find(root, "b");
    ASSERT_TRUE(d.isSeq(b));
    EXPECT_TRUE(d.node(d.seqItem(b, 0)).quoted);
    EXPECT_FALSE(d.node(d.seqItem(b, 1)).quoted);
    EXPECT_EQ(d.node(d.seqItem(b, 1)).line, 5);
    EXPECT_EQ(d.node(d.seqItem(b, 1)).col, 5);
    EXPECT_EQ(d.asInt(d.find(root, "a")), 1);
    EXPECT_EQ(d.scalarType(d.find(root, "c")), YamlScalarKind::String);
}

TEST(YamlTree, MultiDocumentAndEmptyValues) {
    auto f = parseYaml("a: 1\n---\nb:\n---\n");
    ASSERT_FALSE(f.error);
    ASSERT_EQ(f.docs.size(), 3u);
    EXPECT_TRUE(f.docs[1].isNull(f.docs[1].find(f.docs[1].root(), "b")));
}

TEST(YamlTree, AliasesShareAndCyclesBecomeNull) {
    auto f = parseYaml("x: &a {k: v}\ny: *a\nz: &l [1, *l]\n");
    ASSERT_FALSE(f.error) << f.error->message;
    const YamlDoc& d = f.docs[0];
    EXPECT_EQ(d.find(d.root(), "x"), d.find(d.root(), "y"));
    const uint32_t z = d.find(d.root(), "z");
    ASSERT_TRUE(d.isSeq(z));
    EXPECT_TRUE(d.isNull(d.seqItem(z, 1)));
}

TEST(YamlTree, ReportsSyntaxErrorsWithPosition) {
    auto f = parseYaml("a: 1\nb: [1, 2\n");
    ASSERT_TRUE(f.error);
    EXPECT_GE(f.error->line, 2);
    EXPECT_FALSE(f.error->message.empty());
    auto deep = parseYaml(std::string(5000, '[') + std::string(5000, ']'));
    ASSERT_TRUE(deep.error);  // nesting limit, not a stack overflow
    EXPECT_EQ(deep.error->message, "nested deeper than 500 levels");
    EXPECT_EQ(deep.error->line, 1);
}

TEST(YamlTree, RefusesInvalidUtf8WithItsPosition) {
    auto f = parseYaml("a: 1\nname: bo\xffmb\n");
    ASSERT_TRUE(f.error);
    EXPECT_EQ(f.error->line, 2);
    EXPECT_EQ(f.error->col, 9);
    EXPECT_EQ(f.error->message, "invalid UTF-8 (byte 0xff)");
    EXPECT_TRUE(f.docs.empty());
    EXPECT_FALSE(parseYaml("name: caf\xc3\xa9\n").error);
}

// Aliases share the anchored node: ten levels of ten aliases (10^10 leaves when expanded)
// stay a few dozen nodes.
TEST(YamlTree, AliasBombStaysSmall) {
    std::string text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
    for (int i = 1; i < 10; ++i) {
        text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
        for (int k = 0; k < 10; ++k)
            text += (k ? ", *a" : "*a") + std::to_string(i - 1);
        text += "]\n";
    }
    auto f = parseYaml(text);
    ASSERT_FALSE(f.error) << f.error->message;
    EXPECT_LT(f.docs[0].size(), 200u);
    EXPECT_TRUE(f.docs[0].hasAliases());
}

}  // namespace
}  // namespace vq::model
