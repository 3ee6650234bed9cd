#pragma once
// The three kinds of firmware the swarm imitates, and what each does on the wire: the DHCP
// options it sends, how long it waits before sending again, and how it asks for its boot
// file by TFTP. Timings follow the firmware's own defaults: iPXE waits 1, 2, 4, 8 s for DHCP
// (its config/dhcp.h), PXE ROMs and EDK2 4, 8, 16, 32 s (PXE 2.1 spec, EDK2's PxeBcDhcp4).
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "base/mac_addr.h"
#include "dhcp/codec/packet.h"

namespace vq::swarm {

using std::chrono::milliseconds;

enum class Firmware {
    IpxeRom,  // a NIC whose ROM is iPXE (QEMU's e1000): DHCP as iPXE, straight to HTTP
    Edk2,     // UEFI x86-64 (OVMF): EDK2 PXE, TFTP of ipxe.efi, then iPXE (EFI)
    PxeBios,  // a vendor PXE ROM on BIOS: TFTP of undionly.kpxe, then iPXE (BIOS)
};

std::string_view firmwareName(Firmware f);
bool parseFirmware(std::string_view text, Firmware& out);

// Which program is talking DHCP: the firmware itself, or the iPXE it loaded.
enum class DhcpStage { Firmware, Ipxe };

struct DhcpBehaviour {
    std::vector<milliseconds> waits;  // one per DISCOVER (and per REQUEST), then give up
};

DhcpBehaviour dhcpBehaviour(Firmware f, DhcpStage stage);

// DISCOVER or REQUEST exactly as that firmware (or its iPXE) builds it: options 53, 55, 57,
// 60, 61 (iPXE), 77 + 175 (iPXE), 93, 94, 97.
dhcp::Packet dhcpMessage(
    Firmware f, DhcpStage stage, const MacAddr& mac, uint32_t xid, dhcp::MessageType type);

struct TftpBehaviour {
    bool tsize_probe = false;  // first RRQ asks only tsize and is aborted with ERROR 8
    unsigned blksize = 512;
    unsigned windowsize = 1;  // RFC 7440; 1 = lock-step, the option is not sent
    milliseconds timeout{4000};
    unsigned retries = 6;
};

TftpBehaviour tftpBehaviour(Firmware f);

// iPXE's ${platform} and ${buildarch} once this firmware has chained to it.
std::string_view ipxePlatform(Firmware f);
std::string_view ipxeBuildArch(Firmware f);

}  // namespace vq::swarm
