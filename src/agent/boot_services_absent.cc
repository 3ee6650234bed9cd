// Built when the DHCP and TFTP modules are not part of the build.
#include "agent/boot_services.h"

namespace vq::agent {

Result<std::unique_ptr<BootServices>> startBootServices(const BootServicesConfig&,
                                                        const ModelHolder&,
                                                        EventSink&) {
    return Result<std::unique_ptr<BootServices>>::error(
        "this build has no DHCP/TFTP services (run with --no-boot-services)");
}

}  // namespace vq::agent
