#include "power/driver.h"

namespace vq::power {

std::string_view powerStateName(PowerState s) {
    return s == PowerState::On ? "on" : "off";
}

std::string_view softOutcomeName(SoftOutcome o) {
    return o == SoftOutcome::Graceful ? "restarted gracefully" : "forced a power cycle";
}

}  // namespace vq::power
