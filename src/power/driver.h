#pragma once
// PowerDriver: one way to act on a host's power (IPMI, SSH). Every call is bounded in
// time; every failure is a Status whose message names the host and the BMC address and
// never the password.

#include <memory>
#include <string_view>

#include "base/result.h"

namespace vq::power {

enum class PowerState { Off, On };
std::string_view powerStateName(PowerState s);  // "off" | "on"

// How a graceful restart ended.
enum class SoftOutcome {
    Graceful,  // the host powered off by itself and was powered on again
    Forced,    // it was still on after soft_timeout: a hard power cycle followed
    WasOff,    // it was off already: powered on, nothing to shut down
};
std::string_view softOutcomeName(SoftOutcome o);

class PowerDriver {
public:
    virtual ~PowerDriver() = default;
    virtual Result<PowerState> status() = 0;
    virtual Status on() = 0;
    virtual Status off() = 0;
    virtual Status cycle() = 0;
    // Graceful restart; a hard cycle after the target's soft_timeout (0 = never force).
    virtual Result<SoftOutcome> soft() = 0;
    // Network boot on the next boot only.
    virtual Status bootdevPxe() = 0;
};

}  // namespace vq::power
