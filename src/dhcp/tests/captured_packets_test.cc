// Requests captured from real clients on this project's lab network (vq-dhcp-testd
// --dump-dir): QEMU's iPXE ROM (BIOS, byte-identical to undionly.kpxe but for the
// broadcast flag), OVMF's EDK2 PXE client (x64 UEFI), busybox udhcpc 1.35 and ISC dhclient.
// Each is decoded field by field and then answered by the server core.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "dhcp/codec/client_info.h"
#include "dhcp/codec/packet.h"
#include "dhcp/server/server.h"
#include "dhcp/server/static_directory.h"

namespace vq::dhcp {
namespace {

std::vector<uint8_t> loadHex(const std::string& name) {
    std::ifstream in("src/dhcp/tests/data/" + name);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string hex;
    for (char c : ss.str()) {
        if (std::isxdigit(static_cast<unsigned char>(c)))
            hex += c;
    }
    std::vector<uint8_t> out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
        out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    return out;
}

Packet decodeFile(const std::string& name) {
    auto bytes = loadHex(name);
    EXPECT_FALSE(bytes.empty()) << name;
    auto p = decode(bytes);
    EXPECT_TRUE(p) << name << ": " << p.message();
    return p ? *p : Packet{};
}

std::string hexOf(const RawOption* o) {
    std::string s;
    static const char* kHex = "0123456789abcdef";
    for (uint8_t b : o ? o->data : std::vector<uint8_t>{}) {
        s += kHex[b >> 4];
        s += kHex[b & 15];
    }
    return s;
}

TEST(Captured, IpxeRomBiosDiscover) {
    Packet p = decodeFile("ipxe_rom_bios_discover.hex");
    EXPECT_EQ(p.op, kBootRequest);
    EXPECT_EQ(p.xid, 0x0e2f642au);
    EXPECT_EQ(p.flags, 0);  // the ROM; undionly.kpxe sets 0x8000
    EXPECT_EQ(p.mac().toString(), "52:54:00:12:34:56");
    EXPECT_EQ(p.messageType(), MessageType::Discover);
    EXPECT_EQ(p.options.u16(opt::kMaxMessageSize), 1472);
    EXPECT_EQ(p.options.u16(opt::kClientArch), 0);
    EXPECT_EQ(hexOf(p.options.find(opt::kClientNdi)), "010201");
    EXPECT_EQ(p.options.str(opt::kVendorClass), "PXEClient:Arch:00000:UNDI:002001");
    EXPECT_EQ(hexOf(p.options.find(opt::kClientId)), "01525400123456");
    EXPECT_EQ(p.options.find(opt::kClientGuid)->data.size(), 17u);
    ClientInfo c = inspectClient(p);
    EXPECT_TRUE(c.ipxe);
    EXPECT_EQ(c.user_classes, std::vector<std::string>{"iPXE"});  // plain-string encoding
    EXPECT_TRUE(c.pxe_client);
    EXPECT_EQ(c.arch, 0);
    auto encap = decodeSubOptions(p.options.find(opt::kIpxeEncap)->data);
    ASSERT_TRUE(encap);
    EXPECT_EQ(encap->front().code, 177);  // bus id
    EXPECT_EQ(encap->size(), 14u);
}

TEST(Captured, Edk2X64DiscoverAndRequest) {
    Packet d = decodeFile("edk2_x64_discover.hex");
    EXPECT_TRUE(d.broadcastFlag());
    EXPECT_EQ(d.messageType(), MessageType::Discover);
    EXPECT_EQ(d.options.u16(opt::kMaxMessageSize), 1472);
    EXPECT_EQ(d.options.u16(opt::kClientArch), arch::kX64EfiBc);
    EXPECT_EQ(d.options.str(opt::kVendorClass), "PXEClient:Arch:00007:UNDI:003000");
    ClientInfo c = inspectClient(d);
    EXPECT_FALSE(c.ipxe);
    EXPECT_TRUE(c.user_classes.empty());
    EXPECT_FALSE(d.options.has(opt::kClientId));
    Packet r = decodeFile("edk2_x64_request.hex");
    EXPECT_EQ(r.xid, d.xid);
    EXPECT_EQ(r.messageType(), MessageType::Request);
    EXPECT_EQ(r.options.ip(opt::kServerId)->toString(), "10.99.0.1");
    EXPECT_EQ(r.options.ip(opt::kRequestedIp)->toString(), "10.99.0.11");
    EXPECT_EQ(r.options.u16(opt::kMaxMessageSize), 0xff00);  // EDK2 really sends 65280
}

TEST(Captured, OsClients) {
    Packet u = decodeFile("udhcpc_discover.hex");
    EXPECT_EQ(u.options.str(opt::kVendorClass), "udhcp 1.35.0");
    EXPECT_EQ(hexOf(u.options.find(opt::kParameterList)), "0103060c0f1c2a");
    EXPECT_EQ(u.mac().toString(), "02:99:00:00:00:01");
    Packet h = decodeFile("dhclient_discover.hex");
    EXPECT_EQ(h.options.all().size(), 2u);  // 53 and 55 only
    EXPECT_FALSE(h.broadcastFlag());
    EXPECT_FALSE(inspectClient(h).arch);
}

class CapturedExchange : public ::testing::Test {
protected:
    void SetUp() override {
        auto s = std::make_shared<SubnetInfo>();
        s->cidr = *Cidr::parse("10.99.0.0/24");
        dir_.add({*MacAddr::parse("52:54:00:12:34:56"), *Ipv4::parse("10.99.0.11"), s, "q", true,
                  false, "q"});
        dir_.add({*MacAddr::parse("02:99:00:00:00:01"), *Ipv4::parse("10.99.0.21"), s, "o", true,
                  false, "o"});
        meta_.local = *Ipv4::parse("10.99.0.1");
        meta_.interface_addresses = {*Cidr::parse("10.99.0.1/24")};
    }
    StaticDirectory dir_;
    Server server_{ServerConfig{}, dir_};
    RecvMeta meta_;
};

TEST_F(CapturedExchange, EachClientGetsTheRightBootFile) {
    auto ipxe = server_.handle(decodeFile("ipxe_rom_bios_discover.hex"), meta_);
    ASSERT_EQ(ipxe.size(), 1u);
    EXPECT_EQ(ipxe[0].packet.file, "http://10.99.0.1:24602/boot.ipxe");
    auto ipxe_ack = server_.handle(decodeFile("ipxe_rom_bios_request.hex"), meta_);
    ASSERT_EQ(ipxe_ack.size(), 1u);
    EXPECT_EQ(ipxe_ack[0].packet.messageType(), MessageType::Ack);

    auto efi = server_.handle(decodeFile("edk2_x64_discover.hex"), meta_);
    ASSERT_EQ(efi.size(), 1u);
    EXPECT_EQ(efi[0].packet.file, "ipxe.efi");
    EXPECT_EQ(efi[0].destination.toString(), "255.255.255.255");
    auto efi_ack = server_.handle(decodeFile("edk2_x64_request.hex"), meta_);
    ASSERT_EQ(efi_ack.size(), 1u);
    EXPECT_EQ(efi_ack[0].packet.messageType(), MessageType::Ack);
    EXPECT_EQ(efi_ack[0].packet.file, "ipxe.efi");

    for (const char* os : {"udhcpc_discover.hex", "dhclient_discover.hex"}) {
        auto r = server_.handle(decodeFile(os), meta_);
        ASSERT_EQ(r.size(), 1u) << os;
        EXPECT_EQ(r[0].packet.yiaddr.toString(), "10.99.0.21") << os;
        EXPECT_TRUE(r[0].packet.file.empty()) << os;
    }
}

}  // namespace
}  // namespace vq::dhcp
