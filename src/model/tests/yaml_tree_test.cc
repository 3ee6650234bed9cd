#include "model/yaml_tree.h"

#include <gtest/gtest.h>

namespace vq::model {
namespace {

TEST(YamlTree, ResolvesPlainScalarsLikeYaml11) {
    EXPECT_EQ(resolvePlainScalar(""), ScalarType::Null);
    EXPECT_EQ(resolvePlainScalar("~"), ScalarType::Null);
    EXPECT_EQ(resolvePlainScalar("yes"), ScalarType::Bool);
    EXPECT_EQ(resolvePlainScalar("Off"), ScalarType::Bool);
    EXPECT_EQ(resolvePlainScalar("1053"), ScalarType::Int);
    EXPECT_EQ(resolvePlainScalar("-0x1f"), ScalarType::Int);
    EXPECT_EQ(resolvePlainScalar("2.0"), ScalarType::Float);
    EXPECT_EQ(resolvePlainScalar("1e3"), ScalarType::Float);
    EXPECT_EQ(resolvePlainScalar("10.10.10.1"), ScalarType::String);
    EXPECT_EQ(resolvePlainScalar("00:00:00:00:00:01"), ScalarType::String);
    EXPECT_EQ(resolvePlainScalar("1.2.3"), ScalarType::String);
    EXPECT_EQ(parseYamlInt("0o17"), 15);
    EXPECT_EQ(parseYamlInt("1_000"), 1000);
    EXPECT_FALSE(parseYamlInt("99999999999999999999"));
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
    EXPECT_EQ(d.scalarType(d.find(root, "c")), ScalarType::String);
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
    EXPECT_TRUE(deep.error);  // nesting limit, not a stack overflow
}

}  // namespace
}  // namespace vq::model
