#include "power/ipmi_boot_flags.h"

#include <freeipmi/freeipmi.h>

#include "power/ipmi_session.h"

namespace vq::power {

BootFlags oneTimePxeBootFlags(bool efi) {
    BootFlags f;
    f.parameter_valid = IPMI_SYSTEM_BOOT_OPTIONS_PARAMETER_VALID_UNLOCKED;
    f.bios_boot_type = efi ? IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_BOOT_TYPE_EFI
                           : IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_BOOT_TYPE_PC_COMPATIBLE;
    // Valid for the next boot only: the host comes back to its disk afterwards.
    f.persistent = IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_VALID_FOR_NEXT_BOOT;
    f.valid = IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_VALID;
    f.boot_device = IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_BOOT_DEVICE_FORCE_PXE;
    f.console_redirection = IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_CONSOLE_REDIRECTION_DEFAULT;
    f.firmware_verbosity = IPMI_SYSTEM_BOOT_OPTION_BOOT_FLAG_FIRMWARE_BIOS_VERBOSITY_DEFAULT;
    return f;
}

Result<std::vector<uint8_t>> encodeBootFlags(const BootFlags& f) {
    FiidObject rq(fiid_obj_create(tmpl_cmd_set_system_boot_options_boot_flags_rq));
    if (!rq)
        return Status::error("boot flags: out of memory");
    if (fill_cmd_set_system_boot_options_boot_flags(
            f.parameter_valid, f.bios_boot_type, f.persistent, f.valid, 0, 0, f.boot_device, 0, 0,
            f.console_redirection, 0, 0, 0, f.firmware_verbosity, 0, 0, 0, 0, rq.get()) < 0)
        return Status::error("boot flags: libfreeipmi refused the values");
    std::vector<uint8_t> bytes(64);
    const int n = fiid_obj_get_all(rq.get(), bytes.data(), static_cast<unsigned>(bytes.size()));
    if (n < 0)
        return Status::error("boot flags: cannot encode the request");
    bytes.resize(static_cast<size_t>(n));
    return bytes;
}

}  // namespace vq::power
