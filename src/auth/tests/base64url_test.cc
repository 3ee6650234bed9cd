#include "auth/base64url.h"

#include <gtest/gtest.h>

namespace vq::auth {
namespace {

TEST(Base64Url, RoundTripsEveryLength) {
    std::string bytes;
    for (int i = 0; i < 40; ++i) {
        auto back = base64urlDecode(base64urlEncode(bytes));
        ASSERT_TRUE(back.has_value()) << i;
        EXPECT_EQ(*back, bytes);
        bytes += static_cast<char>(i * 37 + 250);
    }
}

TEST(Base64Url, KnownVectorsWithoutPadding) {
    EXPECT_EQ(base64urlEncode("f"), "Zg");
    EXPECT_EQ(base64urlEncode("fo"), "Zm8");
    EXPECT_EQ(base64urlEncode("foo"), "Zm9v");
    EXPECT_EQ(base64urlEncode("\xfb\xff"), "-_8");
}

TEST(Base64Url, RefusesForeignCharactersPaddingAndBadLength) {
    EXPECT_FALSE(base64urlDecode("Zg==").has_value());
    EXPECT_FALSE(base64urlDecode("Z+8").has_value());
    EXPECT_FALSE(base64urlDecode("Zm9vZ").has_value());
    EXPECT_FALSE(base64urlDecode(std::string("Zm\0v", 4)).has_value());
}

}  // namespace
}  // namespace vq::auth
