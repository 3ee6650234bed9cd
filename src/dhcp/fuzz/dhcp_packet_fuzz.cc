// Fuzz entry: arbitrary bytes through the decoder, the client inspection, the server core
// in both modes and the rogue detector; whatever decodes must re-encode and decode again.
#include <cstddef>
#include <cstdint>
#include <span>

#include "dhcp/codec/client_info.h"
#include "dhcp/codec/packet.h"
#include "dhcp/server/rogue_detector.h"
#include "dhcp/server/server.h"
#include "dhcp/server/static_directory.h"

namespace {

using namespace vq;
using namespace vq::dhcp;

const StaticDirectory& directory() {
    static const StaticDirectory dir = [] {
        StaticDirectory d;
        auto subnet = std::make_shared<SubnetInfo>();
        subnet->cidr = *Cidr::parse("10.99.0.0/24");
        subnet->gateway = Ipv4::parse("10.99.0.254");
        // The MAC every seed uses, so the fuzzer reaches the reply paths.
        d.add({*MacAddr::parse("52:54:00:12:34:56"), *Ipv4::parse("10.99.0.11"), subnet, "n1", true,
               false, "n1"});
        d.add({*MacAddr::parse("00:00:00:00:00:00"), *Ipv4::parse("10.99.0.12"), subnet, "", true,
               false, "zero"});
        return d;
    }();
    return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto packet = decode(std::span<const uint8_t>(data, size));
    if (!packet)
        return 0;
    ClientInfo info = inspectClient(*packet);
    (void)info;
    for (const RawOption& o : packet->options.all()) {
        if (o.code == opt::kVendorSpecific || o.code == opt::kIpxeEncap ||
            o.code == opt::kRelayAgent) {
            (void)decodeSubOptions(o.data);
        }
    }
    auto again = decode(encode(*packet));
    if (!again)
        __builtin_trap();  // what we encode must decode

    RecvMeta meta;
    meta.ifindex = 1;
    meta.local = *Ipv4::parse("10.99.0.1");
    meta.interface_addresses = {*Cidr::parse("10.99.0.1/24")};
    for (Mode mode : {Mode::Server, Mode::Proxy}) {
        Server server(ServerConfig{mode, 3600, BootSettings{}}, directory());
        for (uint16_t port : {kServerPort, kPxePort}) {
            meta.local_port = port;
            for (const Reply& r : server.handle(*packet, meta)) {
                if (!decode(encode(r.packet)))
                    __builtin_trap();
            }
        }
    }
    SteadyClock& clock = SteadyClock::instance();
    RogueDetector detector(Mode::Server, directory(), clock);
    (void)detector.observe(*packet, meta.local);
    return 0;
}
