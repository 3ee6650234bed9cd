#include "auth/agent_tokens.h"

#include <gtest/gtest.h>

namespace vq::auth {
namespace {

constexpr int64_t kNow = 1'700'000'000;

AgentClaims claims() {
    return AgentClaims{"site-a", "agent-1", kNow + 60};
}

TEST(AgentTokens, LoginTokenCarriesSiteAndAgent) {
    auto c = verifyLoginToken(issueLoginToken(claims(), "shared"), "shared", kNow);
    ASSERT_TRUE(c) << c.message();
    EXPECT_EQ(c->site_id, "site-a");
    EXPECT_EQ(c->agent_id, "agent-1");
    EXPECT_EQ(c->exp, kNow + 60);
}

TEST(AgentTokens, WrongSharedSecretIsRefused) {
    EXPECT_FALSE(verifyLoginToken(issueLoginToken(claims(), "shared"), "guess", kNow));
}

TEST(AgentTokens, ALoginTokenIsNoSessionAndBack) {
    // Even with both secrets alike, one kind never stands in for the other.
    auto as_session = verifySessionToken(issueLoginToken(claims(), "same"), "same", kNow);
    ASSERT_FALSE(as_session);
    EXPECT_NE(as_session.message().find("not a session token"), std::string::npos);
    EXPECT_FALSE(verifyLoginToken(issueSessionToken(claims(), "same"), "same", kNow));
}

TEST(AgentTokens, SessionExpires) {
    const std::string t = issueSessionToken(claims(), "server");
    EXPECT_TRUE(verifySessionToken(t, "server", kNow + 59));
    EXPECT_FALSE(verifySessionToken(t, "server", kNow + 60));
}

TEST(AgentTokens, SiteIsRequired) {
    AgentClaims c = claims();
    c.site_id.clear();
    EXPECT_FALSE(verifySessionToken(issueSessionToken(c, "server"), "server", kNow));
}

TEST(AgentTokens, BearerHeader) {
    EXPECT_EQ(bearerToken("Bearer abc"), "abc");
    EXPECT_EQ(bearerToken("Bearer "), "");
    EXPECT_EQ(bearerToken("Basic abc"), "");
    EXPECT_EQ(bearerToken(""), "");
}

}  // namespace
}  // namespace vq::auth
