#include "git/hub_signature.h"

#include <gtest/gtest.h>

namespace vq::git {
namespace {

// GitHub's documented example ("Validating webhook deliveries").
constexpr std::string_view kSecret = "It's a Secret to Everybody";
constexpr std::string_view kBody = "Hello, World!";
constexpr std::string_view kSha256 =
    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

TEST(HubSignature, GithubDocumentedVector) {
    EXPECT_EQ("sha256=" + hubSignatureHex("sha256", kSecret, kBody), kSha256);
    EXPECT_EQ(checkHubSignature(kBody, kSecret, kSha256, {}), SignatureCheck::valid);
}

TEST(HubSignature, UpperCaseHexIsAccepted) {
    std::string upper(kSha256);
    for (size_t i = 7; i < upper.size(); ++i)
        upper[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(upper[i])));
    EXPECT_EQ(checkHubSignature(kBody, kSecret, upper, {}), SignatureCheck::valid);
}

TEST(HubSignature, OtherSecretOrBodyMismatches) {
    EXPECT_EQ(checkHubSignature(kBody, "another secret", kSha256, {}), SignatureCheck::mismatch);
    EXPECT_EQ(checkHubSignature("Hello, World?", kSecret, kSha256, {}), SignatureCheck::mismatch);
}

TEST(HubSignature, MissingAndMalformedHeaders) {
    EXPECT_EQ(checkHubSignature(kBody, kSecret, {}, {}), SignatureCheck::missing);
    EXPECT_EQ(checkHubSignature(kBody, kSecret, kSha256.substr(7), {}),
              SignatureCheck::malformed);  // no "sha256=" prefix
    EXPECT_EQ(checkHubSignature(kBody, kSecret, kSha256.substr(0, 70), {}),
              SignatureCheck::malformed);  // truncated
    std::string not_hex(kSha256);
    not_hex.back() = 'g';
    EXPECT_EQ(checkHubSignature(kBody, kSecret, not_hex, {}), SignatureCheck::malformed);
}

TEST(HubSignature, Sha1ForOlderHooks) {
    // RFC 2202 test case 2: HMAC-SHA1("Jefe", "what do ya want for nothing?").
    const std::string body = "what do ya want for nothing?";
    EXPECT_EQ(hubSignatureHex("sha1", "Jefe", body), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    EXPECT_EQ(checkHubSignature(body, "Jefe", {}, "sha1=effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
              SignatureCheck::valid);
    EXPECT_EQ(checkHubSignature(body, "jefe", {}, "sha1=effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
              SignatureCheck::mismatch);
}

TEST(HubSignature, Sha256WinsOverSha1) {
    // A valid SHA-1 does not rescue a wrong SHA-256: the stronger header decides.
    const std::string sha1 = "sha1=" + hubSignatureHex("sha1", kSecret, kBody);
    EXPECT_EQ(checkHubSignature(kBody, kSecret, "sha256=" + std::string(64, '0'), sha1),
              SignatureCheck::mismatch);
}

}  // namespace
}  // namespace vq::git
