#pragma once
// The graceful-restart recipe shared by drivers that can read power state: ask the host to
// shut down (an off host is only powered on), watch it power off, power it on again; if it is still
// on after soft_timeout, power-cycle it. With soft_timeout 0 it is never forced: after
// `never_force_limit` the restart fails instead, so the call stays bounded.

#include <functional>
#include <string>

#include "base/clock.h"
#include "base/result.h"
#include "power/driver.h"

namespace vq::power {

struct SoftRestartSteps {
    std::function<Status()> request_shutdown;
    std::function<Result<PowerState>()> status;
    std::function<Status()> power_on;
    std::function<Status()> cycle;
    std::function<void(Duration)> sleep;
};

struct SoftRestartTiming {
    int soft_timeout_s = 0;  // 0 = never force
    Duration poll_interval = std::chrono::seconds(1);
    Duration never_force_limit = std::chrono::seconds(300);
};

// `who` prefixes messages (describe(target)).
Result<SoftOutcome> softRestart(const SoftRestartSteps& steps,
                                const SoftRestartTiming& timing,
                                const Clock& clock,
                                const std::string& who);

}  // namespace vq::power
