// Fuzz entry: arbitrary bytes through the decoder, the client inspection, the server core
// in both modes, the rogue detector and the rogue probe; whatever decodes must re-encode
// and decode again, and encoding within any size limit (taken from the input's last two
// bytes) must stay within it and keep every option it does not report as dropped.
#include <cstddef>
#include <cstdint>
#include <span>

#include "dhcp/codec/client_info.h"
#include "dhcp/codec/packet.h"
#include "dhcp/server/rogue_detector.h"
#include "dhcp/server/rogue_probe.h"
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

// Encodes within `limit` and checks the promise of encodeTo().
void checkLimited(const Packet& p, size_t limit) {
    std::vector<uint8_t> out;
    EncodeResult r = encodeTo(p, out, limit);
    if (!r.ok) {
        if (!out.empty())
            __builtin_trap();
        return;
    }
    if (out.size() > limit)
        __builtin_trap();
    auto back = decode(out);
    if (!back)
        __builtin_trap();
    for (const RawOption& o : p.options.all()) {
        if (o.code == opt::kPad || o.code == opt::kEnd || o.code == opt::kOverload)
            continue;
        const RawOption* got = back->options.find(o.code);
        if (r.dropped.test(o.code) ? got != nullptr : (got == nullptr || got->data != o.data))
            __builtin_trap();
    }
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
    const size_t limit = size >= 2 ? ((size_t{data[size - 1]} << 8) | data[size - 2]) % 1600 : 0;
    checkLimited(*packet, limit);
    checkLimited(*packet, maxReplySize(*packet));

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
                checkLimited(r.packet, r.max_size);
            }
        }
    }
    SteadyClock& clock = SteadyClock::instance();
    RogueDetector detector(Mode::Server, directory(), clock);
    (void)detector.observe(*packet, meta.local);
    // The probe answered by whatever this is, as its xid and MAC (a seed can be an answer).
    for (Mode mode : {Mode::Server, Mode::Proxy}) {
        RogueProbe probe(mode, packet->mac(), std::chrono::seconds(300));
        (void)probe.due(clock.now(), packet->xid);
        const std::vector<Ipv4> own{meta.local};
        (void)probe.match(*packet, meta.local, own, clock.now());
        (void)probe.match(*packet, Ipv4(0x0a630002), own, clock.now());
    }
    return 0;
}
