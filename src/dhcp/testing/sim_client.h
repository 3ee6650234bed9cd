#pragma once
// Builds the requests real firmware and OS clients send, for in-process tests and
// benchmarks: the iPXE ROM / undionly.kpxe (user class "iPXE", option 175), EDK2's UEFI
// PXE client, UEFI HTTP boot, and a plain OS client (udhcpc/dhclient style).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dhcp/codec/client_info.h"
#include "dhcp/codec/packet.h"

namespace vq::dhcp::testing {

struct ClientProfile {
    MacAddr mac;
    std::optional<uint16_t> arch;
    std::string vendor_class;
    std::vector<uint8_t> user_class;  // raw option 77 bytes
    std::vector<uint8_t> ipxe_encap;  // raw option 175 bytes
    std::optional<std::vector<uint8_t>> guid;
    bool broadcast = false;
};

// The option 175 the QEMU iPXE ROM sent (lab capture).
std::vector<uint8_t> ipxeRomEncap();

ClientProfile ipxeBios(const MacAddr& mac);  // QEMU iPXE ROM (BIOS)
ClientProfile edk2X64(const MacAddr& mac);   // OVMF EDK2 PXE
ClientProfile uefiHttp(const MacAddr& mac);  // UEFI HTTP boot, x64
ClientProfile pxeBios(const MacAddr& mac);   // a vendor PXE ROM (not iPXE)
ClientProfile plainOs(const MacAddr& mac);   // an installed OS's DHCP client

Packet makeDiscover(const ClientProfile& c, uint32_t xid);
// SELECTING when server_id is set, INIT-REBOOT otherwise.
Packet makeRequest(const ClientProfile& c,
                   uint32_t xid,
                   Ipv4 requested,
                   std::optional<Ipv4> server_id);

}  // namespace vq::dhcp::testing
