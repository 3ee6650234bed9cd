#include "etcd/base64.h"

#include <gtest/gtest.h>

namespace vq::etcd {
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

}  // namespace
}  // namespace vq::etcd
