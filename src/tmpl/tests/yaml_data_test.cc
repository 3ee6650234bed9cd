// `vaquero render --data FILE.yml` must see the data as the original's templates did: each
// plain scalar of src/base/testdata/yaml_scalars.golden.jsonl (Go's yaml.v2 into interface{})
// goes through valueFromYaml and renders as Go's text/template rendered it over the same
// document.

#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tmpl/template.h"

namespace vq::tmpl {
namespace {

std::string typeAndText(const Value& data) {
    TemplateSet set;
    EXPECT_TRUE(set.parse("t", R"({{printf "%T" .v}}|{{.v}})"));  // the oracle's renderText
    auto out = set.execute("t", data);
    return out ? *out : "error: " + out.message();
}

TEST(YamlData, PlainScalarsTypeAndPrintAsInGo) {
    std::ifstream f("src/base/testdata/yaml_scalars.golden.jsonl");
    std::string line;
    size_t rows = 0;
    while (std::getline(f, line)) {
        const auto row = nlohmann::json::parse(line);
        const std::string in = row.at("in"), type = row.at("type");
        SCOPED_TRACE("v: " + in);
        auto data = valueFromYaml("v: " + in + "\n");
        ++rows;
        if (type == "error") {
            // Not a plain scalar in that position for yaml.v2 either.
            EXPECT_FALSE(data.isOk());
            continue;
        }
        ASSERT_TRUE(data.isOk()) << data.message();
        std::string want = row.at("render");
        if (type == "uint64") {
            // Deliberate exception: templates have no unsigned type, so integers above
            // INT64_MAX (Go's uint64) become the nearest float64.
            const double nearest =
                static_cast<double>(std::stoull(row.at("value").get<std::string>()));
            want = typeAndText(Value::map({{"v", Value(nearest)}}));
            EXPECT_EQ(want.rfind("float64|", 0), 0u);
        }
        EXPECT_EQ(typeAndText(*data), want);
    }
    EXPECT_GE(rows, 60u);
}

TEST(YamlData, QuotedAndBlockScalarsStayStrings) {
    auto v = valueFromYaml("a: '0644'\nb: \"yes\"\nc: |\n  on\nd: !!str 1e3\ne: 0644\n");
    ASSERT_TRUE(v.isOk()) << v.message();
    EXPECT_EQ(v->find("a")->asString(), "0644");
    EXPECT_EQ(v->find("b")->asString(), "yes");
    EXPECT_EQ(v->find("c")->asString(), "on\n");
    EXPECT_EQ(v->find("d")->asString(), "1e3");
    EXPECT_EQ(v->find("e")->asInt(), 420);
}

}  // namespace
}  // namespace vq::tmpl
