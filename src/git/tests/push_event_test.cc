#include "git/push_event.h"

#include <gtest/gtest.h>

namespace vq::git {
namespace {

constexpr std::string_view kJson =
    R"({"ref":"refs/heads/main","before":"0000","after":"6113728f27ae82c7b1a177c8d03f9e96e0adf246",)"
    R"("repository":{"name":"sot","full_name":"acme/sot"},"deleted":false})";

TEST(PushEvent, ParsesGithubJson) {
    auto e = parsePushEvent(kJson, "application/json");
    ASSERT_TRUE(e) << e.message();
    EXPECT_EQ(e->ref, "refs/heads/main");
    EXPECT_EQ(e->branch(), "main");
    EXPECT_EQ(e->after, "6113728f27ae82c7b1a177c8d03f9e96e0adf246");
    EXPECT_EQ(e->repository, "acme/sot");
    EXPECT_FALSE(e->deleted);
}

TEST(PushEvent, ParsesFormPayload) {
    const std::string body =
        "payload=%7B%22ref%22%3A%22refs%2Fheads%2Fdev%22%2C%22head_commit%22%3A%7B%22message%22"
        "%3A%22a+b%22%7D%7D";
    auto e = parsePushEvent(body, "application/x-www-form-urlencoded");
    ASSERT_TRUE(e) << e.message();
    EXPECT_EQ(e->branch(), "dev");
}

TEST(PushEvent, TagsAndOddRefsHaveNoBranch) {
    auto e = parsePushEvent(R"({"ref":"refs/tags/v1"})", "application/json");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->branch(), "");
    PushEvent bare{"refs/heads/", "", "", false};
    EXPECT_EQ(bare.branch(), "");
}

TEST(PushEvent, RefusesWhatIsNotAPush) {
    EXPECT_FALSE(parsePushEvent("", "application/json"));
    EXPECT_FALSE(parsePushEvent("{", "application/json"));
    EXPECT_FALSE(parsePushEvent("[1,2]", "application/json"));
    EXPECT_FALSE(parsePushEvent(R"({"zen":"ping"})", "application/json"));
    EXPECT_FALSE(parsePushEvent(R"({"ref":42})", "application/json"));
    EXPECT_FALSE(parsePushEvent("payload=%7", "application/x-www-form-urlencoded"));
    EXPECT_FALSE(parsePushEvent("other=1", "application/x-www-form-urlencoded"));
}

}  // namespace
}  // namespace vq::git
