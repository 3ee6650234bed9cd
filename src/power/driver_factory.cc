#include "power/driver_factory.h"

#include <fmt/format.h>

namespace vq::power {

Result<std::unique_ptr<PowerDriver>> makeDriver(const Target& target,
                                                const DriverOptions& options) {
    VQ_TRY(checkTarget(target));
    if (target.driver == "ipmi")
        return std::unique_ptr<PowerDriver>(std::make_unique<IpmiDriver>(target, options.ipmi));
    if (target.driver == "ssh")
        return std::unique_ptr<PowerDriver>(std::make_unique<SshDriver>(target, options.ssh));
    return Status::error(fmt::format(
        "{}: a custom BMC runs as a container task, not through a power driver", describe(target)));
}

}  // namespace vq::power
