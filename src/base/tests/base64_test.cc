#include "base/base64.h"

#include <gtest/gtest.h>

namespace vq {
namespace {

TEST(Base64, EncodesRfc4648Vectors) {
    EXPECT_EQ(base64Encode(""), "");
    EXPECT_EQ(base64Encode("f"), "Zg==");
    EXPECT_EQ(base64Encode("fo"), "Zm8=");
    EXPECT_EQ(base64Encode("foo"), "Zm9v");
    EXPECT_EQ(base64Encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, RoundTripsEveryByte) {
    std::string all;
    for (int i = 0; i < 256; ++i)
        all += static_cast<char>(i);
    for (size_t n = 0; n < all.size(); n += 37)
        EXPECT_EQ(base64Decode(base64Encode(all.substr(0, n))), all.substr(0, n));
}

TEST(Base64, RefusesMalformedText) {
    EXPECT_FALSE(base64Decode("Zm9"));
    EXPECT_FALSE(base64Decode("Zm9*"));
    EXPECT_FALSE(base64Decode("Z==="));
    EXPECT_FALSE(base64Decode("Zg==Zm9v"));
    EXPECT_FALSE(base64Decode("Z=g="));
}

TEST(Base64Url, RoundTripsEveryLength) {
    std::string bytes;
    for (int i = 0; i < 40; ++i) {
        auto back = base64Decode(base64Encode(bytes, Base64::url), Base64::url);
        ASSERT_TRUE(back.has_value()) << i;
        EXPECT_EQ(*back, bytes);
        bytes += static_cast<char>(i * 37 + 250);
    }
}

TEST(Base64Url, KnownVectorsWithoutPadding) {
    EXPECT_EQ(base64Encode("f", Base64::url), "Zg");
    EXPECT_EQ(base64Encode("fo", Base64::url), "Zm8");
    EXPECT_EQ(base64Encode("foo", Base64::url), "Zm9v");
    EXPECT_EQ(base64Encode("\xfb\xff", Base64::url), "-_8");
}

TEST(Base64Url, RefusesForeignCharactersPaddingAndBadLength) {
    EXPECT_FALSE(base64Decode("Zg==", Base64::url).has_value());
    EXPECT_FALSE(base64Decode("Z+8", Base64::url).has_value());
    EXPECT_FALSE(base64Decode("Zm9vZ", Base64::url).has_value());
    EXPECT_FALSE(base64Decode(std::string("Zm\0v", 4), Base64::url).has_value());
}

}  // namespace
}  // namespace vq
