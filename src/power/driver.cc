#include "power/driver.h"

namespace vq::power {

std::string_view powerStateName(PowerState s) {
    return s == PowerState::On ? "on" : "off";
}

std::string_view softOutcomeName(SoftOutcome o) {
    switch (o) {
        case SoftOutcome::Graceful:
            return "restarted gracefully";
        case SoftOutcome::Forced:
            return "forced a power cycle";
        case SoftOutcome::WasOff:
            return "powered on (it was off)";
    }
    return "?";
}

}  // namespace vq::power
