#include "firmware.h"

#include "dhcp/codec/client_info.h"
#include "dhcp/testing/sim_client.h"

namespace vq::swarm {

namespace {

using namespace std::chrono_literals;

dhcp::testing::ClientProfile profileFor(Firmware f, DhcpStage stage, const MacAddr& mac) {
    namespace sim = dhcp::testing;
    if (f == Firmware::IpxeRom || (f == Firmware::PxeBios && stage == DhcpStage::Ipxe))
        return sim::ipxeBios(mac);
    if (f == Firmware::PxeBios)
        return sim::pxeBios(mac);
    auto c = sim::edk2X64(mac);
    if (stage == DhcpStage::Ipxe) {
        // ipxe.efi: still arch 7, but says it is iPXE (77 and 175) and its UNDI version.
        c.vendor_class = "PXEClient:Arch:00007:UNDI:003016";
        c.user_class = {'i', 'P', 'X', 'E'};
        c.ipxe_encap = sim::ipxeRomEncap();
    }
    return c;
}

}  // namespace

std::string_view firmwareName(Firmware f) {
    switch (f) {
        case Firmware::IpxeRom:
            return "ipxe";
        case Firmware::Edk2:
            return "edk2";
        case Firmware::PxeBios:
            return "pxebios";
    }
    return "?";
}

bool parseFirmware(std::string_view text, Firmware& out) {
    for (Firmware f : {Firmware::IpxeRom, Firmware::Edk2, Firmware::PxeBios}) {
        if (text == firmwareName(f)) {
            out = f;
            return true;
        }
    }
    return false;
}

DhcpBehaviour dhcpBehaviour(Firmware f, DhcpStage stage) {
    if (f == Firmware::IpxeRom || stage == DhcpStage::Ipxe)
        return {{1s, 2s, 4s, 8s}};
    return {{4s, 8s, 16s, 32s}};
}

dhcp::Packet dhcpMessage(
    Firmware f, DhcpStage stage, const MacAddr& mac, uint32_t xid, dhcp::MessageType type) {
    auto c = profileFor(f, stage, mac);
    dhcp::Packet p = dhcp::testing::makeDiscover(c, xid);
    p.options.setU8(dhcp::opt::kMessageType, static_cast<uint8_t>(type));
    const bool ipxe = f == Firmware::IpxeRom || stage == DhcpStage::Ipxe;
    // Option 57: iPXE and EDK2 accept a full Ethernet frame; vendor BIOS ROMs commonly 1260.
    p.options.setU16(dhcp::opt::kMaxMessageSize, f == Firmware::PxeBios && !ipxe ? 1260 : 1472);
    if (ipxe) {
        std::vector<uint8_t> id{1};
        id.insert(id.end(), mac.bytes().begin(), mac.bytes().end());
        p.options.set(dhcp::opt::kClientId, id);
    }
    return p;
}

TftpBehaviour tftpBehaviour(Firmware f) {
    TftpBehaviour t;
    t.tsize_probe = true;
    if (f == Firmware::Edk2) {
        // EDK2 asks the largest block that fits a frame and, since 2020, windowsize 4.
        t.blksize = 1468;
        t.windowsize = 4;
        t.timeout = 4s;
        t.retries = 6;
    } else {
        t.blksize = 1456;
        t.windowsize = 1;
        t.timeout = 2s;
        t.retries = 6;
    }
    return t;
}

std::string_view ipxePlatform(Firmware f) {
    return f == Firmware::Edk2 ? "efi" : "pcbios";
}

std::string_view ipxeBuildArch(Firmware f) {
    return f == Firmware::Edk2 ? "x86_64" : "i386";
}

}  // namespace vq::swarm
