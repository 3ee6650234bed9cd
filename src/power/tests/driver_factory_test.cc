#include "power/driver_factory.h"

#include <gtest/gtest.h>

namespace vq::power {
namespace {

Target target(const char* driver) {
    Target t;
    t.host = "node1";
    t.driver = driver;
    t.address = "10.99.0.5";
    t.username = "admin";
    t.password = "canary-pw";
    t.keypath = "/nonexistent/key";
    return t;
}

TEST(DriverFactoryTest, BuildsIpmiAndSshDrivers) {
    EXPECT_TRUE(makeDriver(target("ipmi"), {}).isOk());
    EXPECT_TRUE(makeDriver(target("ssh"), {}).isOk());
}

TEST(DriverFactoryTest, CustomIsNotAnInProcessDriver) {
    auto d = makeDriver(target("custom"), {});
    ASSERT_FALSE(d.isOk());
    EXPECT_NE(d.message().find("container task"), std::string::npos);
    EXPECT_NE(d.message().find("node1"), std::string::npos);
}

TEST(DriverFactoryTest, IncompleteTargetIsRefused) {
    Target t = target("ipmi");
    t.address.clear();
    auto d = makeDriver(t, {});
    ASSERT_FALSE(d.isOk());
    EXPECT_EQ(d.message().find("canary-pw"), std::string::npos);
}

TEST(DriverFactoryTest, SshWithoutKnownHostsDirFailsBeforeConnecting) {
    auto d = makeDriver(target("ssh"), {});
    ASSERT_TRUE(d.isOk());
    auto s = (*d)->status();
    ASSERT_FALSE(s.isOk());
    EXPECT_NE(s.message().find("known_hosts"), std::string::npos) << s.message();
}

TEST(DriverFactoryTest, SshCannotPowerOnOrOff) {
    auto d = makeDriver(target("ssh"), {});
    ASSERT_TRUE(d.isOk());
    EXPECT_FALSE((*d)->on().isOk());
    EXPECT_FALSE((*d)->off().isOk());
    EXPECT_TRUE((*d)->bootdevPxe().isOk());
}

}  // namespace
}  // namespace vq::power
