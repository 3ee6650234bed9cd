#pragma once
// Which boot file a client gets, from what it says about its firmware. Pure.
//   already iPXE (option 175 or user class "iPXE") -> HTTP URL of the default script
//   UEFI HTTP boot (vendor class HTTPClient)       -> HTTP URL of the EFI binary
//   option 93: BIOS -> undionly.kpxe, x64 UEFI -> ipxe.efi, ... (TFTP); every other
//   architecture is reported as unknown and gets no boot file rather than a guess.
#include <cstdint>
#include <optional>
#include <string>

#include "base/ipv4.h"
#include "dhcp/codec/client_info.h"

namespace vq::dhcp {

struct BootFiles {
    std::string bios = "undionly.kpxe";
    std::string ia32_efi = "ipxe-i386.efi";
    std::string x64_efi = "ipxe.efi";
    std::string arm32_efi = "ipxe-arm32.efi";
    std::string arm64_efi = "ipxe-arm64.efi";
};

struct BootSettings {
    BootFiles files;
    uint16_t http_port = 24602;              // the agent's asset server
    std::string script_path = "/boot.ipxe";  // default iPXE script
};

// Everything that depends on the interface a request came in on.
struct BootTarget {
    Ipv4 next_server;        // siaddr: the agent's address on that interface
    std::string http_base;   // "http://10.0.0.5:24602"
    std::string script_url;  // http_base + script_path
    BootFiles files;
};

BootTarget makeBootTarget(const BootSettings& settings, Ipv4 agent_address);

struct BootDecision {
    enum class Kind { None, Tftp, Http, IpxeScript };
    Kind kind = Kind::None;
    std::string file;           // TFTP file name or HTTP URL
    bool unknown_arch = false;  // a PXE client whose option 93 we do not map
    std::optional<uint16_t> arch;
    const char* reason = "";  // short, for logs: "ipxe", "bios", "x64-uefi", ...
};

// The architecture from option 93, else from "PXEClient:Arch:NNNNN" in the vendor class.
std::optional<uint16_t> effectiveArch(const ClientInfo& client);

BootDecision chooseBoot(const ClientInfo& client, const BootTarget& target);

}  // namespace vq::dhcp
