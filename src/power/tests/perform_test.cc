#include "power/perform.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace vq::power {
namespace {

class RecordingDriver : public PowerDriver {
public:
    std::vector<std::string> calls;
    bool fail_pxe = false;
    PowerState state = PowerState::On;

    Result<PowerState> status() override {
        calls.push_back("status");
        return state;
    }
    Status on() override { return record("on"); }
    Status off() override { return record("off"); }
    Status cycle() override { return record("cycle"); }
    Result<SoftOutcome> soft() override {
        calls.push_back("soft");
        return SoftOutcome::Forced;
    }
    Status bootdevPxe() override {
        calls.push_back("pxe");
        return fail_pxe ? Status::error("host h (BMC a:623): pxe refused") : Status::ok();
    }

private:
    Status record(const char* what) {
        calls.push_back(what);
        return Status::ok();
    }
};

TEST(PowerPerformTest, EachActionCallsItsDriverMethod) {
    RecordingDriver d;
    EXPECT_EQ(*perform(d, Action::Status), "power is on");
    EXPECT_EQ(*perform(d, Action::On), "powered on");
    EXPECT_EQ(*perform(d, Action::Off), "powered off");
    EXPECT_EQ(*perform(d, Action::Cycle), "power cycled");
    EXPECT_EQ(*perform(d, Action::Soft), "forced a power cycle");
    EXPECT_EQ(*perform(d, Action::Pxe), "next boot from the network (PXE)");
    EXPECT_EQ(d.calls, (std::vector<std::string>{"status", "on", "off", "cycle", "soft", "pxe"}));
}

TEST(PowerPerformTest, ReprovisionRebootSetsPxeThenCyclesOrSoftRestarts) {
    RecordingDriver hard;
    auto r = reprovisionReboot(hard, false);
    ASSERT_TRUE(r.isOk());
    EXPECT_EQ(hard.calls, (std::vector<std::string>{"pxe", "cycle"}));
    EXPECT_EQ(*r, "one-time PXE boot set, power cycled");

    RecordingDriver soft;
    ASSERT_TRUE(reprovisionReboot(soft, true).isOk());
    EXPECT_EQ(soft.calls, (std::vector<std::string>{"pxe", "soft"}));
}

TEST(PowerPerformTest, ReprovisionRebootDoesNotRebootWithoutPxe) {
    RecordingDriver d;
    d.fail_pxe = true;
    auto r = reprovisionReboot(d, false);
    ASSERT_FALSE(r.isOk());
    EXPECT_EQ(r.message(), "host h (BMC a:623): pxe refused");
    EXPECT_EQ(d.calls, (std::vector<std::string>{"pxe"}));
}

}  // namespace
}  // namespace vq::power
