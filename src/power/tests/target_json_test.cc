#include "power/target_json.h"

#include <gtest/gtest.h>

namespace vq::power {
namespace {

TEST(TargetJson, RoundTripsEveryField) {
    Target t;
    t.host = "node1";
    t.driver = "ipmi";
    t.address = "10.99.9.31";
    t.port = 6230;
    t.username = "admin";
    t.password = "s3cret";
    t.keypath = "/k";
    t.soft_reboot = true;
    t.soft_timeout = 30;
    t.cipher_suite = 17;
    t.efi_boot = true;
    auto back = targetFromJson(targetToJson(t));
    ASSERT_TRUE(back) << back.message();
    EXPECT_EQ(back->host, "node1");
    EXPECT_EQ(back->driver, "ipmi");
    EXPECT_EQ(back->address, "10.99.9.31");
    EXPECT_EQ(back->port, 6230);
    EXPECT_EQ(back->username, "admin");
    EXPECT_EQ(back->password, "s3cret");
    EXPECT_EQ(back->keypath, "/k");
    EXPECT_TRUE(back->soft_reboot);
    EXPECT_EQ(back->soft_timeout, 30);
    EXPECT_EQ(back->cipher_suite, 17);
    EXPECT_TRUE(back->efi_boot);
}

TEST(TargetJson, RefusesWhatIsNotATarget) {
    EXPECT_FALSE(targetFromJson("[]"));
    EXPECT_FALSE(targetFromJson("{"));
    EXPECT_FALSE(targetFromJson(R"({"address":"x"})")) << "no driver";
    auto odd = targetFromJson(R"({"driver":"ipmi","port":99999,"cipher_suite":"x"})");
    ASSERT_TRUE(odd);
    EXPECT_EQ(odd->port, 0) << "out of range: the driver's default";
    EXPECT_EQ(odd->cipher_suite, kDefaultCipherSuite);
}

}  // namespace
}  // namespace vq::power
