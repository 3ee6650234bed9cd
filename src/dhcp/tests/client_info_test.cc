#include "dhcp/codec/client_info.h"

#include <gtest/gtest.h>

namespace vq::dhcp {
namespace {

TEST(UserClass, PlainIpxeStringIsOneItem) {
    const std::vector<uint8_t> plain{'i', 'P', 'X', 'E'};
    EXPECT_EQ(decodeUserClasses(plain), std::vector<std::string>{"iPXE"});
}

TEST(UserClass, Rfc3004ItemsAreSplit) {
    const std::vector<uint8_t> rfc{4, 'i', 'P', 'X', 'E', 3, 'f', 'o', 'o'};
    EXPECT_EQ(decodeUserClasses(rfc), (std::vector<std::string>{"iPXE", "foo"}));
}

TEST(UserClass, ShortPlainStringThatLooksLengthPrefixedFallsBack) {
    // 0x02 'a' is not a complete RFC 3004 item of length 2.
    const std::vector<uint8_t> odd{2, 'a'};
    EXPECT_EQ(decodeUserClasses(odd).size(), 1u);
    EXPECT_TRUE(decodeUserClasses({}).empty());
}

TEST(SubOptions, RoundTripAndTruncation) {
    std::vector<RawOption> subs{{6, {8}}, {176, {1}}};
    auto bytes = encodeSubOptions(subs);
    EXPECT_EQ(bytes, (std::vector<uint8_t>{6, 1, 8, 176, 1, 1}));
    auto back = decodeSubOptions(bytes);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, subs);
    const std::vector<uint8_t> bad{6, 4, 1};
    EXPECT_FALSE(decodeSubOptions(bad));
}

TEST(ClientInfo, ArchNamesFollowIana) {
    EXPECT_STREQ(archName(0), "x86 BIOS");
    EXPECT_STREQ(archName(7), "x64 UEFI (EFI BC)");
    EXPECT_STREQ(archName(9), "x64 UEFI");
    EXPECT_STREQ(archName(11), "ARM64 UEFI");
    EXPECT_STREQ(archName(16), "x64 UEFI HTTP");
    EXPECT_STREQ(archName(999), "unknown");
}

TEST(ClientInfo, Option175AloneMeansIpxe) {
    Packet p;
    p.options.set(opt::kIpxeEncap, {0xb1, 0x01, 0x01});
    EXPECT_TRUE(inspectClient(p).ipxe);
    Packet q;
    q.options.set(opt::kUserClass, {4, 'i', 'P', 'X', 'E'});
    EXPECT_TRUE(inspectClient(q).ipxe);
    Packet r;
    r.options.set(opt::kUserClass, {'g', 'P', 'X', 'E'});
    EXPECT_FALSE(inspectClient(r).ipxe);
}

}  // namespace
}  // namespace vq::dhcp
