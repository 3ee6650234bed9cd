// Behaviour beyond the Go golden table: overrides, thread safety, API contracts.

#include "tmpl/template.h"

#include <chrono>
#include <thread>

#include <gtest/gtest.h>
#include <pthread.h>

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

namespace vq::tmpl {
namespace {

// Ten lists of ten, each element the list before: 10^10 leaves, the shape an aliased YAML
// document ("billion laughs") has once loaded.
Value aliasBomb() {
    Value v("lol");
    for (int level = 0; level < 10; ++level) {
        List items(10, v);
        v = Value::list(std::move(items));
    }
    return v;
}

TEST(TemplateBounds, RecursionThatNestsBlocksStopsBeforeTheStackDoes) {
    // 400 nested ifs per call: 1,000 calls would be 400,000 nested blocks.
    std::string body;
    for (int i = 0; i < 400; ++i)
        body += "{{if true}}";
    body += "{{template \"r\" .}}";
    for (int i = 0; i < 400; ++i)
        body += "{{end}}";
    TemplateSet set;
    ASSERT_TRUE(set.parse("t", "{{define \"r\"}}" + body + "{{end}}{{template \"r\"}}"));
    auto r = set.execute("t", Value());
    ASSERT_FALSE(r.isOk());
    EXPECT_NE(r.message().find("templates nest too deep"), std::string::npos) << r.message();
}

TEST(TemplateBounds, RecursionOnAThreadWithASmallStack) {
    // A thread with 2 MiB of stack (a quarter of the usual) still gets an error, not a crash.
    TemplateSet set;
    ASSERT_TRUE(set.parse("t",
                          "{{define \"r\"}}{{if .}}{{with .}}{{range $i := .}}"
                          "{{template \"r\" $}}{{end}}{{end}}{{end}}{{end}}"
                          "{{template \"r\" .}}"));
    Status result;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 2u << 20);
    pthread_t th;
    auto run = [](void* arg) -> void* {
        auto* ctx = static_cast<std::pair<TemplateSet*, Status*>*>(arg);
        auto r = ctx->first->execute("t", Value::list(List{Value(int64_t{1})}));
        *ctx->second = r.status();
        return nullptr;
    };
    std::pair<TemplateSet*, Status*> ctx{&set, &result};
    ASSERT_EQ(pthread_create(&th, &attr, run, &ctx), 0);
    pthread_join(th, nullptr);
    pthread_attr_destroy(&attr);
    ASSERT_FALSE(result.isOk());
    EXPECT_NE(result.message().find("templates nest too deep"), std::string::npos)
        << result.message();
}

TEST(TemplateBounds, PrintingAnAliasBombStopsAtTheOutputLimit) {
    TemplateSet set;
    ASSERT_TRUE(set.parse("t", "{{.}}"));
    auto r = set.execute("t", aliasBomb());
    ASSERT_FALSE(r.isOk());
    EXPECT_NE(r.message().find("output exceeds 64 MiB"), std::string::npos) << r.message();
    ASSERT_TRUE(set.parse("p", "{{printf \"%v\" .}}"));
    auto p = set.execute("p", aliasBomb());
    ASSERT_FALSE(p.isOk());
    EXPECT_NE(p.message().find("output exceeds 64 MiB"), std::string::npos) << p.message();
}

TEST(TemplateBounds, RangeProducingGigabytesStopsAtTheOutputLimit) {
    TemplateSet set;
    ASSERT_TRUE(set.parse("t",
                          "{{range .}}{{range .}}{{range .}}{{range .}}{{range .}}"
                          "{{range .}}{{range .}}{{range .}}{{range .}}{{range .}}"
                          "{{printf \"%1000s\" .}}{{end}}{{end}}{{end}}{{end}}{{end}}"
                          "{{end}}{{end}}{{end}}{{end}}{{end}}"));
    auto r = set.execute("t", aliasBomb());
    ASSERT_FALSE(r.isOk());
    EXPECT_NE(r.message().find("output exceeds 64 MiB"), std::string::npos) << r.message();
    EXPECT_NE(r.message().find("t:1:"), std::string::npos) << r.message();
}

// Found by fuzzing: a zero-padded integer of a million digits (Go's largest width) was
// padded one zero at a time, quadratic in the width: minutes for one printf, also through
// a bad verb (which prints its argument with the same flags).
TEST(TemplateBounds, AMillionDigitsOfZeroPaddingAreWrittenAtOnce) {
    TemplateSet set;
    ASSERT_TRUE(set.parse("t", "{{printf \"%01000000d|%01000000z\" 7 7}}"));
    const auto started = std::chrono::steady_clock::now();
    auto r = set.execute("t", Value());
    ASSERT_TRUE(r.isOk()) << r.message();
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    ASSERT_GT(r->size(), 2'000'000u);
    EXPECT_EQ(r->substr(999'995, 6), "00007|");
    EXPECT_NE(r->find("%!z(int=0000"), std::string::npos) << r->substr(1'000'000, 40);
}

TEST(TemplateBounds, RangeThatWritesNothingStopsAtTheStepLimit) {
    TemplateSet set;
    ASSERT_TRUE(set.parse("t",
                          "{{range .}}{{range .}}{{range .}}{{range .}}{{range .}}"
                          "{{range .}}{{range .}}{{range .}}{{range .}}{{range .}}"
                          "{{end}}{{end}}{{end}}{{end}}{{end}}"
                          "{{end}}{{end}}{{end}}{{end}}{{end}}"));
    auto r = set.execute("t", aliasBomb());
    ASSERT_FALSE(r.isOk());
    EXPECT_NE(r.message().find("steps"), std::string::npos) << r.message();
}

}  // namespace
}  // namespace vq::tmpl
