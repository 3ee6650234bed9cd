#include "auth/jwt.h"

#include <gtest/gtest.h>

#include "base/base64.h"

namespace vq::auth {
namespace {

constexpr int64_t kNow = 1'700'000'000;
const std::string kClaims = R"({"sub":"a","exp":1700000100})";

TEST(Jwt, SignedTokenVerifiesAndGivesThePayload) {
    const std::string t = signHs256(kClaims, "secret");
    auto payload = verifyHs256(t, "secret", kNow);
    ASSERT_TRUE(payload) << payload.message();
    EXPECT_EQ(*payload, kClaims);
}

TEST(Jwt, MatchesAnIndependentHs256Implementation) {
    // Computed with Python's hmac + base64 modules, key "secret".
    EXPECT_EQ(signHs256(R"({"exp":1700000100})", "secret"),
              "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3MDAwMDAxMDB9."
              "tkH0VZVcNQ2Zb6WL0xSm4aW09jSRjfjnuufnBd_6w2g");
}

TEST(Jwt, WrongSecretIsRefused) {
    auto r = verifyHs256(signHs256(kClaims, "secret"), "other", kNow);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.code(), StatusCode::permission_denied);
    EXPECT_NE(r.message().find("bad signature"), std::string::npos);
}

TEST(Jwt, ExpiredIsRefused) {
    auto r = verifyHs256(signHs256(kClaims, "secret"), "secret", 1'700'000'100);
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("expired"), std::string::npos);
}

TEST(Jwt, MissingExpIsRefused) {
    auto r = verifyHs256(signHs256(R"({"sub":"a"})", "secret"), "secret", kNow);
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("no exp"), std::string::npos);
}

TEST(Jwt, TamperedPayloadIsRefused) {
    std::string t = signHs256(kClaims, "secret");
    const size_t dot1 = t.find('.');
    const size_t dot2 = t.find('.', dot1 + 1);
    const std::string forged = base64Encode(R"({"sub":"b","exp":1700000100})", Base64::url);
    t = t.substr(0, dot1 + 1) + forged + t.substr(dot2);
    auto r = verifyHs256(t, "secret", kNow);
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("bad signature"), std::string::npos);
}

TEST(Jwt, AlgNoneIsRefusedEvenWithoutSignature) {
    const std::string t = base64Encode(R"({"alg":"none","typ":"JWT"})", Base64::url) + "." +
                          base64Encode(kClaims, Base64::url) + ".";
    auto r = verifyHs256(t, "secret", kNow);
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("not accepted"), std::string::npos);
}

TEST(Jwt, OtherAlgorithmsAreRefusedEvenWhenTheHmacMatches) {
    // Signed correctly with the same key, but the header claims HS512.
    const std::string head = base64Encode(R"({"alg":"HS512","typ":"JWT"})", Base64::url);
    const std::string good = signHs256(kClaims, "secret");
    const std::string t = head + good.substr(good.find('.'));
    auto r = verifyHs256(t, "secret", kNow);
    ASSERT_FALSE(r);
    EXPECT_NE(r.message().find("HS256 only"), std::string::npos);
}

TEST(Jwt, GarbageIsRefusedWithoutCrashing) {
    for (std::string_view bad :
         {"", ".", "..", "...", "a.b.c", "a.b", "!!.??.**", "eyJ9.eyJ9.", "e30.e30.e30"}) {
        auto r = verifyHs256(bad, "secret", kNow);
        EXPECT_FALSE(r) << bad;
        EXPECT_EQ(r.code(), StatusCode::permission_denied) << bad;
    }
    EXPECT_FALSE(verifyHs256(std::string(kMaxTokenBytes + 1, 'a'), "secret", kNow));
}

}  // namespace
}  // namespace vq::auth
