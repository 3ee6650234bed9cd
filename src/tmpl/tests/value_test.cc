#include "tmpl/value.h"

#include <gtest/gtest.h>

namespace vq::tmpl {
namespace {

TEST(Value, MissingAndNullAreDistinct) {
    auto v = valueFromYaml("a: ~\nb: 1\n");
    ASSERT_TRUE(v.isOk());
    ASSERT_NE(v->find("a"), nullptr);
    EXPECT_TRUE(v->find("a")->isNull());
    EXPECT_EQ(v->find("zz"), nullptr);
    EXPECT_TRUE(Value().isMissing());
}

TEST(Value, YamlScalarsResolveAsGoYamlV2) {
    auto v = valueFromYaml(
        "i: 10\nf: 10000000.0\ns: '10'\nb: true\ny: yes\nh: 0x1F\nn: null\nl: [1, a]\n");
    ASSERT_TRUE(v.isOk()) << v.message();
    EXPECT_EQ(v->find("i")->kind(), Kind::Int);
    EXPECT_EQ(v->find("i")->asInt(), 10);
    EXPECT_EQ(v->find("f")->kind(), Kind::Double);
    EXPECT_EQ(v->find("s")->kind(), Kind::String);
    EXPECT_EQ(v->find("b")->kind(), Kind::Bool);
    EXPECT_EQ(v->find("y")->kind(), Kind::Bool);  // YAML 1.1, as yaml.v2 reads it
    EXPECT_EQ(v->find("h")->asInt(), 31);
    EXPECT_TRUE(v->find("n")->isNull());
    EXPECT_EQ(v->find("l")->asList().size(), 2u);
}

TEST(Value, JsonKeepsIntsAndFloatsApart) {
    auto v = valueFromJson(R"({"a": 1, "b": 1.0, "c": [true, null], "d": {"x": "y"}})");
    ASSERT_TRUE(v.isOk());
    EXPECT_EQ(v->find("a")->kind(), Kind::Int);
    EXPECT_EQ(v->find("b")->kind(), Kind::Double);
    EXPECT_TRUE(v->find("c")->asList()[1].isNull());
    EXPECT_EQ(v->find("d")->find("x")->asString(), "y");
}

TEST(Value, BadInputIsAnErrorNotACrash) {
    EXPECT_FALSE(valueFromJson("{").isOk());
    EXPECT_FALSE(valueFromYaml("a: [").isOk());
    EXPECT_FALSE(valueFromJson(std::string(10000, '[')).isOk());
}

TEST(Value, CopiesShareStorage) {
    Value a = Value::list({Value(1), Value("x")});
    Value b = a;
    EXPECT_EQ(&a.asList(), &b.asList());
    EXPECT_TRUE(a == b);
}

}  // namespace
}  // namespace vq::tmpl
