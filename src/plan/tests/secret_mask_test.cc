#include "plan/secret_mask.h"

#include <gtest/gtest.h>

namespace vq::plan {
namespace {

TEST(SecretMask, ReplacesKnownSecretsEverywhere) {
    SecretMask m;
    m.add("hunter2");
    EXPECT_EQ(m.apply("ipmi -P hunter2 -U x\nagain:hunter2hunter2\n"),
              "ipmi -P ******** -U x\nagain:****************\n");
}

TEST(SecretMask, MasksValuesOfSecretNamedFields) {
    SecretMask m;
    EXPECT_EQ(m.apply("password: my secret phrase\nuser: core\n"),
              "password: ********\nuser: core\n");
    EXPECT_EQ(m.apply("{\"passwordHash\":\"$6$abc\",\"name\":\"core\"}"),
              "{\"passwordHash\":\"********\",\"name\":\"core\"}");
    EXPECT_EQ(m.apply("console=ttyS0 api_token=abc123 quiet"),
              "console=ttyS0 api_token=******** quiet");
    EXPECT_EQ(m.apply("{secret: s3, name: x}"), "{secret: ********, name: x}");
    // A nested value has nothing on the line to mask.
    EXPECT_EQ(m.apply("ssh_authorized_keys:\n  - ssh-ed25519 AAA\n"),
              "ssh_authorized_keys:\n  - ssh-ed25519 AAA\n");
}

TEST(SecretMask, CollectsHostBmcPasswords) {
    model::Host h;
    model::Interface i;
    i.type = "bmc";
    i.bmc = model::Bmc{};
    i.bmc->password = "Pa55w0rd!";
    h.interfaces.push_back(i);
    SecretMask m;
    m.addHost(h);
    EXPECT_EQ(m.apply("-P Pa55w0rd! x"), "-P ******** x");
}

TEST(SecretMask, SecretNames) {
    EXPECT_TRUE(SecretMask::secretName("Password"));
    EXPECT_TRUE(SecretMask::secretName("ssh_key"));
    EXPECT_TRUE(SecretMask::secretName("GITHUB_TOKEN"));
    EXPECT_FALSE(SecretMask::secretName("username"));
}

}  // namespace
}  // namespace vq::plan
