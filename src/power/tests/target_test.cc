#include "power/target.h"

#include <gtest/gtest.h>

namespace vq::power {
namespace {

Target ipmiTarget() {
    Target t;
    t.host = "node1";
    t.driver = "ipmi";
    t.address = "10.99.0.5";
    t.username = "admin";
    t.password = "s3cret-canary";
    return t;
}

TEST(PowerTargetTest, DescribeNamesHostAndBmcAddressWithDefaultPort) {
    Target t = ipmiTarget();
    EXPECT_EQ(describe(t), "host node1 (BMC 10.99.0.5:623)");
    t.port = 9623;
    EXPECT_EQ(describe(t), "host node1 (BMC 10.99.0.5:9623)");
    t.driver = "ssh";
    t.port = 0;
    EXPECT_EQ(describe(t), "host node1 (SSH 10.99.0.5:22)");
}

TEST(PowerTargetTest, DescribeNeverContainsThePassword) {
    const Target t = ipmiTarget();
    EXPECT_EQ(describe(t).find(t.password), std::string::npos);
}

TEST(PowerTargetTest, RedactReplacesEveryOccurrence) {
    const Target t = ipmiTarget();
    EXPECT_EQ(redact("a s3cret-canary b s3cret-canarys3cret-canary", t),
              "a <redacted> b <redacted><redacted>");
    EXPECT_EQ(redact("nothing to hide", t), "nothing to hide");
}

TEST(PowerTargetTest, RedactWithoutPasswordKeepsText) {
    Target t = ipmiTarget();
    t.password.clear();
    EXPECT_EQ(redact("text", t), "text");
}

TEST(PowerTargetTest, RedactDoesNotLoopWhenMaskContainsPassword) {
    Target t = ipmiTarget();
    t.password = "red";  // occurs inside "<redacted>" itself
    EXPECT_EQ(redact("red red", t), "<redacted> <redacted>");
}

TEST(PowerTargetTest, CheckAcceptsCompleteIpmiTarget) {
    EXPECT_TRUE(checkTarget(ipmiTarget()).isOk());
}

TEST(PowerTargetTest, CheckRejectsMissingFieldsWithoutLeakingPassword) {
    std::vector<Target> bad(7, ipmiTarget());
    bad[0].driver = "cimc";
    bad[1].address.clear();
    bad[2].username.clear();
    bad[3].port = 70000;
    bad[4].cipher_suite = 18;
    bad[5].soft_timeout = -1;
    bad[6].username = std::string(17, 'u');
    for (const Target& t : bad) {
        const Status s = checkTarget(t);
        ASSERT_FALSE(s.isOk());
        EXPECT_NE(s.message().find("node1"), std::string::npos) << s.message();
        EXPECT_EQ(s.message().find(t.password), std::string::npos) << s.message();
    }
}

TEST(PowerTargetTest, CheckRejectsOverlongIpmiPassword) {
    Target t = ipmiTarget();
    t.password = std::string(21, 'p');
    const Status s = checkTarget(t);
    ASSERT_FALSE(s.isOk());
    EXPECT_EQ(s.message().find(t.password), std::string::npos);
}

TEST(PowerTargetTest, SshNeedsUsername) {
    Target t = ipmiTarget();
    t.driver = "ssh";
    EXPECT_TRUE(checkTarget(t).isOk());
    t.username.clear();
    EXPECT_FALSE(checkTarget(t).isOk());
}

}  // namespace
}  // namespace vq::power
