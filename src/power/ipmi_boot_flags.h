#pragma once
// The boot flags (Set System Boot Options, parameter 5) of a one-time network boot. Kept
// apart from the driver so the request a BMC receives can be checked byte by byte: a UEFI
// machine must be asked for an EFI boot, or firmware that honours the bit boots its legacy
// PXE ROM (or nothing).

#include <cstdint>
#include <vector>

#include "base/result.h"

namespace vq::power {

// The fields of libfreeipmi's boot-flags request that Vaquero sets; the rest are 0.
struct BootFlags {
    uint8_t parameter_valid = 0;
    uint8_t bios_boot_type = 0;  // legacy (PC compatible) or EFI
    uint8_t persistent = 0;      // next boot only, or every boot
    uint8_t valid = 0;
    uint8_t boot_device = 0;
    uint8_t console_redirection = 0;
    uint8_t firmware_verbosity = 0;
};

// Next boot only, from the network, legacy or EFI as the host's `bmc.boot_type` says.
BootFlags oneTimePxeBootFlags(bool efi);

// The request's bytes (command, parameter selector, data) as libfreeipmi encodes them.
Result<std::vector<uint8_t>> encodeBootFlags(const BootFlags& flags);

}  // namespace vq::power
