#include "server/user_api_auth.h"

#include <gtest/gtest.h>

namespace vq::server {
namespace {

struct Req {
    boost::beast::http::fields fields;
    http::Request req;
    Req(http::Method m, std::string path, std::string authorization = {}) {
        req.method = m;
        req.path = req.target = std::move(path);
        if (!authorization.empty())
            fields.set(boost::beast::http::field::authorization, authorization);
        req.fields = &fields;
    }
};

bool allowed(const UserApiAuth& auth, http::Method m, std::string path, std::string header = {}) {
    Req r(m, std::move(path), std::move(header));
    return !auth.check(r.req).has_value();
}

constexpr auto GET = http::Method::get;
constexpr auto POST = http::Method::post;

TEST(UserApiAuth, WithoutATokenEverythingIsOpen) {
    UserApiAuth auth({});
    EXPECT_FALSE(auth.enabled());
    EXPECT_TRUE(allowed(auth, POST, "/halt"));
    EXPECT_TRUE(allowed(auth, GET, "/hosts"));
}

TEST(UserApiAuth, ATokenGuardsActionsAndReads) {
    UserApiAuth auth({"s3cret", false});
    EXPECT_FALSE(allowed(auth, POST, "/halt"));
    EXPECT_FALSE(allowed(auth, POST, "/halt", "Bearer wrong!"));
    EXPECT_FALSE(allowed(auth, POST, "/halt", "Bearer s3cre"));
    EXPECT_FALSE(allowed(auth, POST, "/halt", "Basic s3cret"));
    EXPECT_TRUE(allowed(auth, POST, "/halt", "Bearer s3cret"));
    EXPECT_FALSE(allowed(auth, GET, "/hosts"));
    EXPECT_FALSE(allowed(auth, GET, "/ui/events"));
    EXPECT_TRUE(allowed(auth, GET, "/hosts", "Bearer s3cret"));
    EXPECT_TRUE(allowed(auth, GET, "/live"));
    EXPECT_TRUE(allowed(auth, GET, "/ready"));
    EXPECT_TRUE(allowed(auth, GET, "/ui/app.js")) << "the page loads to ask for the token";
    EXPECT_FALSE(allowed(auth, POST, "/ui/app.js"));
}

TEST(UserApiAuth, ReadWithoutTokenOpensOnlyReads) {
    UserApiAuth auth({"s3cret", true});
    EXPECT_TRUE(allowed(auth, GET, "/hosts"));
    EXPECT_TRUE(allowed(auth, http::Method::head, "/plan"));
    EXPECT_FALSE(allowed(auth, POST, "/reprovision"));
    Req r(POST, "/override");
    auto refused = auth.check(r.req);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 401u);
    EXPECT_EQ(refused->body.find("s3cret"), std::string::npos);
    EXPECT_EQ(refused->log_reason.find("s3cret"), std::string::npos);
}

TEST(UserApiAuth, ConstantTimeEqualsComparesContents) {
    EXPECT_TRUE(constantTimeEquals("", ""));
    EXPECT_TRUE(constantTimeEquals("abc", "abc"));
    EXPECT_FALSE(constantTimeEquals("abc", "abd"));
    EXPECT_FALSE(constantTimeEquals("abc", "abcd"));
}

}  // namespace
}  // namespace vq::server
