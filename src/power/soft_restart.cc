#include "power/soft_restart.h"

#include <fmt/format.h>

namespace vq::power {

Result<SoftOutcome> softRestart(const SoftRestartSteps& steps,
                                const SoftRestartTiming& timing,
                                const Clock& clock,
                                const std::string& who) {
    const bool may_force = timing.soft_timeout_s > 0;
    const Duration wait = may_force ? Duration(std::chrono::seconds(timing.soft_timeout_s))
                                    : timing.never_force_limit;
    const TimePoint deadline = clock.now() + wait;

    // An off machine has nothing to shut down (and BMCs may refuse the request while the
    // chassis is off): a reprovisioning reboot of it is a power-on.
    Result<PowerState> before = steps.status();
    if (!before)
        return before.status();
    if (*before == PowerState::Off) {
        VQ_TRY(steps.power_on());
        return SoftOutcome::WasOff;
    }
    VQ_TRY(steps.request_shutdown());
    while (true) {
        Result<PowerState> state = steps.status();
        if (!state)
            return state.status();
        if (*state == PowerState::Off) {
            VQ_TRY(steps.power_on());
            return SoftOutcome::Graceful;
        }
        if (clock.now() >= deadline)
            break;
        steps.sleep(std::min<Duration>(timing.poll_interval, deadline - clock.now()));
    }
    if (!may_force) {
        const auto secs = std::chrono::duration_cast<std::chrono::seconds>(wait).count();
        return Result<SoftOutcome>::error(
            fmt::format("{}: still on {} s after the graceful shutdown request; not forced "
                        "(soft_timeout 0)",
                        who, secs));
    }
    VQ_TRY(steps.cycle());
    return SoftOutcome::Forced;
}

}  // namespace vq::power
