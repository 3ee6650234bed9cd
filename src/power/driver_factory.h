#pragma once
// Picks the driver for a target by its `bmc.type`.

#include <memory>

#include "base/result.h"
#include "power/driver.h"
#include "power/ipmi_driver.h"
#include "power/ssh_driver.h"
#include "power/target.h"

namespace vq::power {

struct DriverOptions {
    IpmiOptions ipmi;
    SshOptions ssh;
};

// Fails on a target that is incomplete (checkTarget) or whose type has no in-process
// driver (`custom` runs as a task, not here).
Result<std::unique_ptr<PowerDriver>> makeDriver(const Target& target, const DriverOptions& options);

}  // namespace vq::power
