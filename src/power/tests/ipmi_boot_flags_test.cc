// The one-time PXE request as a BMC receives it (IPMI 2.0 §28.12, boot option parameter 5):
// a UEFI host's request carries the EFI boot-type bit, a legacy host's does not.

#include "power/ipmi_boot_flags.h"

#include <gtest/gtest.h>

namespace vq::power {
namespace {

constexpr uint8_t kSetSystemBootOptions = 0x08;
constexpr uint8_t kBootFlagsParameter = 5;
constexpr uint8_t kFlagsValid = 0x80;  // data 1, bit 7
constexpr uint8_t kPersistent = 0x40;  // data 1, bit 6: every boot instead of the next one
constexpr uint8_t kEfi = 0x20;         // data 1, bit 5: EFI instead of PC compatible (legacy)
constexpr uint8_t kForcePxe = 0x04;    // data 2, bits 5:2 = 0001b

std::vector<uint8_t> request(bool efi) {
    auto bytes = encodeBootFlags(oneTimePxeBootFlags(efi));
    EXPECT_TRUE(bytes) << bytes.message();
    return bytes ? *bytes : std::vector<uint8_t>{};
}

TEST(IpmiBootFlags, LegacyHostGetsAOneTimePcCompatiblePxeBoot) {
    const auto rq = request(false);
    ASSERT_EQ(rq.size(), 7u);  // command, parameter selector, 5 bytes of boot flags
    EXPECT_EQ(rq[0], kSetSystemBootOptions);
    EXPECT_EQ(rq[1] & 0x7f, kBootFlagsParameter);
    EXPECT_EQ(rq[2], kFlagsValid);  // valid, next boot only, legacy
    EXPECT_EQ(rq[3], kForcePxe);
}

TEST(IpmiBootFlags, EfiHostGetsTheEfiBootTypeBit) {
    const auto rq = request(true);
    ASSERT_EQ(rq.size(), 7u);
    EXPECT_EQ(rq[2], kFlagsValid | kEfi);
    EXPECT_EQ(rq[2] & kPersistent, 0);  // still the next boot only
    EXPECT_EQ(rq[3], kForcePxe);
}

TEST(IpmiBootFlags, OnlyTheBootTypeDiffers) {
    auto legacy = request(false);
    auto efi = request(true);
    ASSERT_EQ(legacy.size(), efi.size());
    for (size_t i = 0; i < legacy.size(); ++i) {
        if (i != 2) {
            EXPECT_EQ(legacy[i], efi[i]) << "byte " << i;
        }
    }
}

}  // namespace
}  // namespace vq::power
