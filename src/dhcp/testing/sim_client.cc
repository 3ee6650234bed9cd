#include "dhcp/testing/sim_client.h"

namespace vq::dhcp::testing {

std::vector<uint8_t> ipxeRomEncap() {
    return {0xb1, 0x05, 0x01, 0x80, 0x86, 0x10, 0x0e, 0xeb, 0x03, 0x01, 0x00, 0x00, 0x17, 0x01,
            0x01, 0x22, 0x01, 0x01, 0x13, 0x01, 0x01, 0x11, 0x01, 0x01, 0x27, 0x01, 0x01, 0x19,
            0x01, 0x01, 0x29, 0x01, 0x01, 0x10, 0x01, 0x02, 0x21, 0x01, 0x01, 0x15};
}

namespace {

std::vector<uint8_t> guidFor(const MacAddr& mac) {
    std::vector<uint8_t> g(17, 0);
    for (size_t i = 0; i < 6; ++i)
        g[11 + i] = mac.bytes()[i];
    return g;
}

}  // namespace

ClientProfile ipxeBios(const MacAddr& mac) {
    ClientProfile c;
    c.mac = mac;
    c.arch = arch::kBios;
    c.vendor_class = "PXEClient:Arch:00000:UNDI:002001";
    c.user_class = {'i', 'P', 'X', 'E'};  // plain string, not RFC 3004
    c.ipxe_encap = ipxeRomEncap();
    c.guid = guidFor(mac);
    return c;
}

ClientProfile edk2X64(const MacAddr& mac) {
    ClientProfile c;
    c.mac = mac;
    c.arch = arch::kX64EfiBc;
    c.vendor_class = "PXEClient:Arch:00007:UNDI:003000";
    c.guid = guidFor(mac);
    return c;
}

ClientProfile uefiHttp(const MacAddr& mac) {
    ClientProfile c;
    c.mac = mac;
    c.arch = arch::kX64EfiHttp;
    c.vendor_class = "HTTPClient:Arch:00016:UNDI:003000";
    c.guid = guidFor(mac);
    return c;
}

ClientProfile pxeBios(const MacAddr& mac) {
    ClientProfile c;
    c.mac = mac;
    c.arch = arch::kBios;
    c.vendor_class = "PXEClient:Arch:00000:UNDI:002001";
    c.guid = guidFor(mac);
    c.broadcast = true;
    return c;
}

ClientProfile plainOs(const MacAddr& mac) {
    ClientProfile c;
    c.mac = mac;
    c.vendor_class = "udhcp 1.35.0";
    return c;
}

namespace {

Packet base(const ClientProfile& c, uint32_t xid, MessageType type) {
    Packet p;
    p.xid = xid;
    p.setMac(c.mac);
    p.flags = c.broadcast ? kBroadcastFlag : 0;
    p.options.setU8(opt::kMessageType, static_cast<uint8_t>(type));
    p.options.set(opt::kParameterList, {1, 3, 6, 12, 15, 17, 26, 28, 42, 43, 60, 66, 67, 175});
    if (!c.vendor_class.empty())
        p.options.setStr(opt::kVendorClass, c.vendor_class);
    if (c.arch)
        p.options.setU16(opt::kClientArch, *c.arch);
    if (c.arch)
        p.options.set(opt::kClientNdi, {1, 3, 16});
    if (c.guid)
        p.options.set(opt::kClientGuid, *c.guid);
    if (!c.user_class.empty())
        p.options.set(opt::kUserClass, c.user_class);
    if (!c.ipxe_encap.empty())
        p.options.set(opt::kIpxeEncap, c.ipxe_encap);
    return p;
}

}  // namespace

Packet makeDiscover(const ClientProfile& c, uint32_t xid) {
    return base(c, xid, MessageType::Discover);
}

Packet makeRequest(const ClientProfile& c,
                   uint32_t xid,
                   Ipv4 requested,
                   std::optional<Ipv4> server_id) {
    Packet p = base(c, xid, MessageType::Request);
    p.options.setIp(opt::kRequestedIp, requested);
    if (server_id)
        p.options.setIp(opt::kServerId, *server_id);
    return p;
}

}  // namespace vq::dhcp::testing
