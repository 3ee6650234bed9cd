#include "server/power_target.h"

#include "model/host_roles.h"

namespace vq::server {

Result<power::Target> powerTarget(const model::Host& host) {
    const model::Interface* i = model::powerInterface(host);
    if (i == nullptr) {
        return Status::failedPrecondition(
            "host " + host.name +
            " has no BMC Vaquero can drive (no interface with a usable "
            "bmc: block)");
    }
    power::Target t;
    t.host = host.name;
    t.driver = i->bmc->type;
    t.address = i->ipv4 ? i->ipv4->toString() : i->hostname;
    t.username = i->bmc->username;
    t.password = i->bmc->password;
    t.keypath = i->bmc->keypath;
    t.soft_reboot = i->bmc->soft_reboot;
    t.soft_timeout = i->bmc->soft_timeout;
    t.efi_boot = i->bmc->boot_type == "efi";
    return t;
}

}  // namespace vq::server
