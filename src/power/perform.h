#pragma once
// Actions as one call each, with a short summary of what happened: what `vaquero power`
// prints and what a host's timeline records.

#include <string>

#include "base/result.h"
#include "power/action.h"
#include "power/driver.h"

namespace vq::power {

// "power is on", "powered off", "power cycled", "restarted gracefully", ...
Result<std::string> perform(PowerDriver& driver, Action action);

// The reprovisioning reboot: one-time PXE boot, then a graceful restart (soft_reboot) or a
// power cycle.
Result<std::string> reprovisionReboot(PowerDriver& driver, bool soft_reboot);

}  // namespace vq::power
