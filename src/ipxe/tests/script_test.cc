#include "ipxe/script.h"

#include <gtest/gtest.h>

namespace vq::ipxe {
namespace {

TEST(Script, DefaultScriptChainsWithTheBootNic) {
    std::string s = defaultScript();
    EXPECT_TRUE(s.starts_with("#!ipxe\nchain ipxe?"));
    EXPECT_NE(s.find("mac=${netX/mac:hexhyp}"), std::string::npos);
    EXPECT_NE(s.find("platform=${platform}"), std::string::npos);
    EXPECT_EQ(s.find("net0"), std::string::npos);
    // `domain` appears once (the original sent it twice).
    EXPECT_EQ(s.find("domain="), s.rfind("domain="));
}

TEST(Script, FormatsKernelInitrdsBoot) {
    BootScript b{"centos_kernel", {"console=ttyS0", "lang= ", "debug"}, {"centos_initrd"}};
    EXPECT_EQ(
        formatScript(b),
        "#!ipxe\nkernel centos_kernel console=ttyS0 lang=  debug\ninitrd centos_initrd\nboot\n");
    BootScript bare{"k", {}, {"a", "b"}};
    EXPECT_EQ(formatScript(bare), "#!ipxe\nkernel k\ninitrd a\ninitrd b\nboot\n");
}

TEST(Script, UnattendedHooks) {
    const std::string u = "http://10.0.0.1:24602/config/00:00:00:00:00:01?boot=b";
    EXPECT_EQ(unattendedArgs("ignition", u),
              (std::vector<std::string>{"coreos.first_boot", "coreos.config.url=" + u}));
    EXPECT_EQ(unattendedArgs("cloud-config", u),
              (std::vector<std::string>{"cloud-config-url=" + u}));
    EXPECT_EQ(unattendedArgs("kickstart", u), (std::vector<std::string>{"inst.ks=" + u}));
    EXPECT_TRUE(unattendedArgs("untyped", u).empty());
    EXPECT_TRUE(unattendedArgs("", u).empty());
}

TEST(Script, AppendMissingSkipsDuplicates) {
    std::vector<std::string> args{"coreos.autologin", "coreos.first_boot"};
    appendMissing(args, {"coreos.first_boot", "coreos.config.url=x"});
    EXPECT_EQ(args, (std::vector<std::string>{"coreos.autologin", "coreos.first_boot",
                                              "coreos.config.url=x"}));
}

TEST(Script, EfiInitrdNames) {
    BootScript b{"k", {"a"}, {"http://h/files/x/initrd.img?v=1", "http://h/y.cpio.gz"}};
    addEfiInitrdArgs(b);
    EXPECT_EQ(b.args, (std::vector<std::string>{"a", "initrd=initrd.img", "initrd=y.cpio.gz"}));
    BootScript named{"k", {"initrd=own.img"}, {"http://h/own.img"}};
    addEfiInitrdArgs(named);
    EXPECT_EQ(named.args, (std::vector<std::string>{"initrd=own.img"}));
    EXPECT_TRUE(isEfiPlatform("efi"));
    EXPECT_FALSE(isEfiPlatform("pcbios"));
    EXPECT_EQ(urlBasename("plain"), "plain");
}

}  // namespace
}  // namespace vq::ipxe
