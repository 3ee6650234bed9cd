#include "dhcp/server/rogue_probe.h"

#include <algorithm>

namespace vq::dhcp {

MacAddr probeMac(const MacAddr& interface_mac, std::string_view interface_name) {
    // FNV-1a: stable across builds and platforms, unlike std::hash.
    uint32_t h = 2166136261u;
    auto mix = [&h](uint8_t b) {
        h ^= b;
        h *= 16777619u;
    };
    for (uint8_t b : interface_mac.bytes())
        mix(b);
    for (char c : interface_name)
        mix(static_cast<uint8_t>(c));
    return MacAddr({kProbeMacPrefix[0], kProbeMacPrefix[1], kProbeMacPrefix[2],
                    static_cast<uint8_t>(h >> 16), static_cast<uint8_t>(h >> 8),
                    static_cast<uint8_t>(h)});
}

bool isProbeMac(const MacAddr& mac) {
    return std::equal(kProbeMacPrefix.begin(), kProbeMacPrefix.end(), mac.bytes().begin());
}

Packet makeProbeDiscover(const MacAddr& mac, uint32_t xid) {
    Packet p;
    p.op = kBootRequest;
    p.xid = xid;
    p.flags = kBroadcastFlag;  // answers must reach the agent's port 68, not a unicast MAC
    p.setMac(mac);
    p.options.setU8(opt::kMessageType, static_cast<uint8_t>(MessageType::Discover));
    std::vector<uint8_t> client_id{1};
    client_id.insert(client_id.end(), mac.bytes().begin(), mac.bytes().end());
    p.options.set(opt::kClientId, std::move(client_id));
    p.options.set(opt::kParameterList,
                  {opt::kSubnetMask, opt::kRouter, opt::kDns, opt::kDomainName, opt::kLeaseTime,
                   opt::kServerId, opt::kVendorClass, opt::kTftpServerName, opt::kBootfileName});
    p.options.setStr(opt::kVendorClass, "PXEClient:Arch:00000:UNDI:002001");
    p.options.setU16(opt::kClientArch, 0);
    p.options.set(opt::kClientNdi, {1, 2, 1});
    return p;
}

bool offersBoot(const Packet& p) {
    return !p.file.empty() || p.options.has(opt::kBootfileName) ||
           p.options.str(opt::kVendorClass).value_or("").starts_with("PXEClient");
}

RogueProbe::RogueProbe(Mode mode, MacAddr mac, Duration interval, Duration window)
    : mode_(mode), mac_(mac), interval_(interval), window_(std::min(window, interval)) {}

std::optional<Packet> RogueProbe::due(TimePoint now, uint32_t xid) {
    if (now < next_)
        return std::nullopt;
    next_ = now + interval_;
    open_until_ = now + window_;
    xid_ = xid;
    reported_.clear();
    ++sent_;
    return makeProbeDiscover(mac_, xid);
}

std::optional<ProbeSighting> RogueProbe::match(const Packet& p,
                                               Ipv4 source,
                                               std::span<const Ipv4> own,
                                               TimePoint now) {
    if (sent_ == 0 || now > open_until_)
        return std::nullopt;
    if (p.op != kBootReply || p.xid != xid_ || p.mac() != mac_)
        return std::nullopt;
    auto type = p.messageType();
    if (type != MessageType::Offer && type != MessageType::Ack)
        return std::nullopt;
    const Ipv4 server = p.options.ip(opt::kServerId).value_or(source);
    auto isOwn = [own](Ipv4 a) { return std::find(own.begin(), own.end(), a) != own.end(); };
    if (isOwn(server) || isOwn(source))
        return std::nullopt;
    if (mode_ == Mode::Proxy && !offersBoot(p))
        return std::nullopt;  // the site's own DHCP server answering, as it should
    ProbeSighting s;
    s.server = server;
    s.offered = p.yiaddr;
    s.probe_mac = mac_;
    s.first = std::find(reported_.begin(), reported_.end(), server) == reported_.end();
    if (s.first && reported_.size() < 64)
        reported_.push_back(server);
    return s;
}

}  // namespace vq::dhcp
