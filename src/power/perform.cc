#include "power/perform.h"

#include <fmt/format.h>

namespace vq::power {
namespace {

Result<std::string> done(const Status& s, const char* summary) {
    if (!s)
        return s;
    return std::string(summary);
}

}  // namespace

Result<std::string> perform(PowerDriver& driver, Action action) {
    switch (action) {
        case Action::Status: {
            Result<PowerState> state = driver.status();
            if (!state)
                return state.status();
            return fmt::format("power is {}", powerStateName(*state));
        }
        case Action::On:
            return done(driver.on(), "powered on");
        case Action::Off:
            return done(driver.off(), "powered off");
        case Action::Cycle:
            return done(driver.cycle(), "power cycled");
        case Action::Soft: {
            Result<SoftOutcome> out = driver.soft();
            if (!out)
                return out.status();
            return std::string(softOutcomeName(*out));
        }
        case Action::Pxe:
            return done(driver.bootdevPxe(), "next boot from the network (PXE)");
    }
    return Result<std::string>::error("unknown power action");
}

Result<std::string> reprovisionReboot(PowerDriver& driver, bool soft_reboot) {
    VQ_TRY(driver.bootdevPxe());
    Result<std::string> reboot = perform(driver, soft_reboot ? Action::Soft : Action::Cycle);
    if (!reboot)
        return reboot;
    return fmt::format("one-time PXE boot set, {}", *reboot);
}

}  // namespace vq::power
