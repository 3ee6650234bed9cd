#include "power/soft_restart.h"

#include <gtest/gtest.h>

namespace vq::power {
namespace {

using std::chrono::seconds;

// A chassis whose OS powers off `off_after` after the shutdown request (never if negative).
struct FakeChassis {
    SimulatedClock clock;
    Duration off_after = seconds(-1);
    bool requested = false;
    TimePoint requested_at{};
    bool forced_off = false;
    int power_ons = 0, cycles = 0, status_reads = 0;
    bool status_fails = false;
    bool off_from_start = false;

    PowerState state() const {
        if (forced_off || (off_from_start && power_ons == 0))
            return PowerState::Off;
        if (requested && off_after >= Duration(0) && clock.now() - requested_at >= off_after)
            return PowerState::Off;
        return PowerState::On;
    }
    SoftRestartSteps steps() {
        SoftRestartSteps s;
        s.request_shutdown = [this] {
            requested = true;
            requested_at = clock.now();
            return Status::ok();
        };
        s.status = [this]() -> Result<PowerState> {
            ++status_reads;
            if (status_fails)
                return Result<PowerState>::error("host h (BMC a:623): no answer");
            return state();
        };
        s.power_on = [this] {
            ++power_ons;
            return Status::ok();
        };
        s.cycle = [this] {
            ++cycles;
            return Status::ok();
        };
        s.sleep = [this](Duration d) { clock.advance(d); };
        return s;
    }
};

TEST(SoftRestartTest, GracefulWhenHostPowersOffInTime) {
    FakeChassis c;
    c.off_after = seconds(3);
    SoftRestartTiming timing{10, seconds(1), seconds(300)};
    auto out = softRestart(c.steps(), timing, c.clock, "host h");
    ASSERT_TRUE(out.isOk()) << out.message();
    EXPECT_EQ(*out, SoftOutcome::Graceful);
    EXPECT_EQ(c.power_ons, 1);
    EXPECT_EQ(c.cycles, 0);
}

TEST(SoftRestartTest, AnOffHostIsPoweredOnWithoutAShutdownRequest) {
    FakeChassis c;
    c.off_from_start = true;
    SoftRestartTiming timing{10, seconds(1), seconds(300)};
    const TimePoint start = c.clock.now();
    auto out = softRestart(c.steps(), timing, c.clock, "host h");
    ASSERT_TRUE(out.isOk()) << out.message();
    EXPECT_EQ(*out, SoftOutcome::WasOff);
    EXPECT_FALSE(c.requested);
    EXPECT_EQ(c.power_ons, 1);
    EXPECT_EQ(c.cycles, 0);
    EXPECT_EQ(c.clock.now(), start);  // no waiting
}

TEST(SoftRestartTest, ForcesCycleAfterSoftTimeout) {
    FakeChassis c;  // ignores the request
    SoftRestartTiming timing{5, seconds(1), seconds(300)};
    const TimePoint start = c.clock.now();
    auto out = softRestart(c.steps(), timing, c.clock, "host h");
    ASSERT_TRUE(out.isOk()) << out.message();
    EXPECT_EQ(*out, SoftOutcome::Forced);
    EXPECT_EQ(c.cycles, 1);
    EXPECT_EQ(c.power_ons, 0);
    EXPECT_EQ(c.clock.now() - start, seconds(5));  // waited exactly soft_timeout
}

TEST(SoftRestartTest, ZeroTimeoutNeverForcesAndStaysBounded) {
    FakeChassis c;
    SoftRestartTiming timing{0, seconds(2), seconds(30)};
    const TimePoint start = c.clock.now();
    auto out = softRestart(c.steps(), timing, c.clock, "host h");
    ASSERT_FALSE(out.isOk());
    EXPECT_EQ(c.cycles, 0);
    EXPECT_EQ(c.clock.now() - start, seconds(30));
    EXPECT_NE(out.message().find("not forced"), std::string::npos) << out.message();
    EXPECT_NE(out.message().find("host h"), std::string::npos);
}

TEST(SoftRestartTest, ZeroTimeoutStillRestartsWhenHostGoesOff) {
    FakeChassis c;
    c.off_after = seconds(40);
    SoftRestartTiming timing{0, seconds(1), seconds(300)};
    auto out = softRestart(c.steps(), timing, c.clock, "host h");
    ASSERT_TRUE(out.isOk()) << out.message();
    EXPECT_EQ(*out, SoftOutcome::Graceful);
}

TEST(SoftRestartTest, StatusFailureIsReturned) {
    FakeChassis c;
    c.status_fails = true;
    SoftRestartTiming timing{5, seconds(1), seconds(300)};
    auto out = softRestart(c.steps(), timing, c.clock, "host h");
    ASSERT_FALSE(out.isOk());
    EXPECT_EQ(c.status_reads, 1);
    EXPECT_EQ(c.cycles, 0);
}

TEST(SoftRestartTest, RequestFailureStopsBeforeWaiting) {
    FakeChassis c;
    SoftRestartSteps steps = c.steps();
    steps.request_shutdown = [] { return Status::error("host h (BMC a:623): refused"); };
    SoftRestartTiming timing{5, seconds(1), seconds(300)};
    auto out = softRestart(steps, timing, c.clock, "host h");
    ASSERT_FALSE(out.isOk());
    EXPECT_EQ(out.message(), "host h (BMC a:623): refused");
    EXPECT_EQ(c.status_reads, 1);  // the read before the request (is it on?), no polling
    EXPECT_EQ(c.power_ons + c.cycles, 0);
}

}  // namespace
}  // namespace vq::power
