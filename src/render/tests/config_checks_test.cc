#include "render/config_checks.h"

#include <gtest/gtest.h>

namespace vq::render {
namespace {

TEST(CloudConfig, Valid) {
    auto issues = checkCloudConfig(
        "#cloud-config\ncoreos:\n  etcd2:\n    proxy: on\n  units:\n    - name: a.service\n"
        "ssh_authorized_keys:\n  - ssh-rsa AAA\nwrite_files:\n  - path: /etc/x\n");
    EXPECT_TRUE(issues.empty());
}

TEST(CloudConfig, HeaderRequired) {
    auto issues = checkCloudConfig("coreos: {}\n");
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_EQ(issues[0].message, "the first line must be `#cloud-config`");
}

TEST(CloudConfig, UnknownKeysWarnAndTypesError) {
    auto issues = checkCloudConfig(
        "#cloud-config\nbogus: 1\ncoreos:\n  nope: 1\n  units:\n    - command: start\n"
        "ssh_authorized_keys: abc\n");
    ASSERT_EQ(issues.size(), 4u);
    EXPECT_FALSE(issues[0].error);
    EXPECT_EQ(issues[0].path, "bogus");
    EXPECT_EQ(issues[0].line, 2);
    EXPECT_FALSE(issues[1].error);
    EXPECT_EQ(issues[1].path, "coreos.nope");
    EXPECT_TRUE(issues[2].error);
    EXPECT_EQ(issues[2].path, "coreos.units[0]");
    EXPECT_EQ(issues[2].message, "`name` is required");
    EXPECT_EQ(issues[3].path, "ssh_authorized_keys");
}

TEST(CloudConfig, YamlError) {
    auto issues = checkCloudConfig("#cloud-config\ncoreos: [\n");
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_TRUE(issues[0].error);
}

TEST(Kickstart, Valid) {
    auto issues = checkKickstart(
        "# comment\ninstall\nlang en_US.UTF-8\n\n%packages\n@ "
        "Core\nopenssh\n%end\n%post\nx\n%end\n");
    EXPECT_TRUE(issues.empty());
}

TEST(Kickstart, UnknownCommandAndUnclosedSection) {
    auto issues = checkKickstart("install\nfrobnicate --now\n%packages\n@ Core\n");
    ASSERT_EQ(issues.size(), 2u);
    EXPECT_EQ(issues[0].line, 2);
    EXPECT_EQ(issues[0].message, "unknown kickstart command `frobnicate`");
    EXPECT_EQ(issues[1].line, 3);
    EXPECT_EQ(issues[1].message, "section %packages is not closed with %end");
}

TEST(Kickstart, NestedSectionAndStrayEnd) {
    auto issues = checkKickstart("%pre\n%post\n%end\n%end\n");
    ASSERT_EQ(issues.size(), 2u);
    EXPECT_EQ(issues[0].line, 2);
    EXPECT_EQ(issues[1].message, "%end without a section");
}

}  // namespace
}  // namespace vq::render
