#pragma once
// iPXE scripts: the default script every iPXE client fetches first, and the per-host boot
// script (kernel + command line, one initrd line per initrd, boot).

#include <string>
#include <string_view>
#include <vector>

namespace vq::ipxe {

// The default script (/boot.ipxe, /boot-ipxe). Unlike the original's it
//  - names the NIC iPXE actually booted from (${netX}), so a host that boots from its
//    second port is still recognised;
//  - sends `domain` once and URI-escapes free-text settings;
//  - passes ${platform} (pcbios | efi) so /ipxe can add what EFI kernels need.
// The relative `ipxe?` resolves against the URL this script came from.
std::string defaultScript();

struct BootScript {
    std::string kernel;
    std::vector<std::string> args;  // kernel command line tokens, in order
    std::vector<std::string> initrds;
};

// "#!ipxe\nkernel <kernel> <args...>\ninitrd <url>\n...boot\n"
std::string formatScript(const BootScript& script);

// Parameters that make the OS fetch its unattended config, per unattended type:
// ignition -> coreos.first_boot coreos.config.url=<u>; cloud-config -> cloud-config-url=<u>;
// kickstart -> inst.ks=<u>; untyped (and anything else) -> nothing.
std::vector<std::string> unattendedArgs(std::string_view type, std::string_view config_url);

// Appends `extra` tokens that are not already present verbatim (an OS file may already
// carry coreos.first_boot, for instance).
void appendMissing(std::vector<std::string>& args, const std::vector<std::string>& extra);

// iPXE's ${platform} for UEFI firmware.
bool isEfiPlatform(std::string_view platform);

// EFI kernels find their initrds by name: adds initrd=<basename> for every initrd when the
// command line names none itself.
void addEfiInitrdArgs(BootScript& script);

// Last path segment of a URL without query or fragment: the name iPXE gives the image.
std::string urlBasename(std::string_view url);

}  // namespace vq::ipxe
