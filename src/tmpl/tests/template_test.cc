// Behaviour beyond the Go golden table: overrides, thread safety, API contracts.

#include "tmpl/template.h"

#include <thread>

#include <gtest/gtest.h>

namespace vq::tmpl {
namespace {

FuncMap checkpoint(const std::string& url) {
    FuncMap f;
    f["Checkpoint"] = [url](std::span<const Value>) -> Result<Value> { return Value(url); };
    return f;
}

TEST(TemplateSet, OverridesReplaceFunctionsPerCall) {
    TemplateSet set({}, checkpoint("default"));
    ASSERT_TRUE(set.parse("t", "curl {{ Checkpoint }}"));
    EXPECT_EQ(*set.execute("t", Value()), "curl default");
    FuncMap per_host = checkpoint("http://a/checkpoint/01");
    EXPECT_EQ(*set.execute("t", Value(), &per_host), "curl http://a/checkpoint/01");
}

TEST(TemplateSet, UndefinedFunctionIsAParseError) {
    TemplateSet set;
    Status st = set.parse("t", "{{ Checkpoint }}");
    ASSERT_FALSE(st);
    EXPECT_EQ(st.message(), "template: t:1: function \"Checkpoint\" not defined");
}

TEST(TemplateSet, SnippetsDefinedInAnotherParse) {
    TemplateSet set;
    ASSERT_TRUE(set.parse("snippet", "{{ define \"etcd2\" }}[{{.x}}]{{ end }}"));
    ASSERT_TRUE(set.parse("main", "a{{- template \"etcd2\" .}}b"));
    auto v = valueFromYaml("x: 1");
    EXPECT_EQ(*set.execute("main", *v), "a[1]b");
}

TEST(TemplateSet, ConcurrentExecution) {
    TemplateSet set;
    ASSERT_TRUE(set.parse("t", "{{range $i, $e := .}}{{$i}}={{$e}};{{end}}"));
    auto data = valueFromJson("[1,2,3,4,5]");
    std::vector<std::thread> threads;
    std::atomic<int> bad{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 500; ++i) {
                auto r = set.execute("t", *data);
                if (!r || *r != "0=1;1=2;2=3;3=4;4=5;")
                    ++bad;
            }
        });
    }
    for (auto& th : threads)
        th.join();
    EXPECT_EQ(bad.load(), 0);
}

TEST(TemplateSet, MissingTemplate) {
    TemplateSet set;
    EXPECT_FALSE(set.execute("nope", Value()).isOk());
    EXPECT_FALSE(set.has("nope"));
}

TEST(TemplateSet, DeepTemplateRecursionIsAnError) {
    TemplateSet set;
    ASSERT_TRUE(set.parse("t", "{{define \"r\"}}{{template \"r\" .}}{{end}}{{template \"r\"}}"));
    auto r = set.execute("t", Value());
    ASSERT_FALSE(r.isOk());
    EXPECT_NE(r.message().find("exceeded maximum template depth"), std::string::npos);
}

}  // namespace
}  // namespace vq::tmpl

namespace vq::tmpl {
namespace {

TEST(TemplateSet, HostileNestingIsAnErrorNotACrash) {
    TemplateSet set;
    std::string parens = "{{" + std::string(100000, '(') + "1" + std::string(100000, ')') + "}}";
    EXPECT_FALSE(set.parse("p", parens));
    std::string ifs;
    for (int i = 0; i < 100000; ++i)
        ifs += "{{if 1}}";
    EXPECT_FALSE(set.parse("i", ifs));
}

}  // namespace
}  // namespace vq::tmpl
