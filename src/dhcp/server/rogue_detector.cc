#include "dhcp/server/rogue_detector.h"

#include <algorithm>

#include "dhcp/server/rogue_probe.h"

namespace vq::dhcp {

RogueDetector::RogueDetector(Mode mode,
                             const HostDirectory& directory,
                             const Clock& clock,
                             Duration repeat_after)
    : mode_(mode), directory_(directory), clock_(clock), repeat_after_(repeat_after) {}

std::optional<RogueSighting> RogueDetector::observe(const Packet& p, Ipv4 source) {
    if (p.op != kBootReply)
        return std::nullopt;
    auto type = p.messageType();
    if (type != MessageType::Offer && type != MessageType::Ack)
        return std::nullopt;
    Ipv4 server = p.options.ip(opt::kServerId).value_or(source);
    if (std::find(own_.begin(), own_.end(), server) != own_.end())
        return std::nullopt;
    if (std::find(own_.begin(), own_.end(), source) != own_.end())
        return std::nullopt;
    std::optional<HostLease> lease = directory_.find(p.mac());
    if (!lease || lease->ignore)
        return std::nullopt;
    if (mode_ == Mode::Proxy) {
        if (!offersBoot(p))
            return std::nullopt;
    }
    // Another agent of the site answers the same hosts: no rogue, as long as it gives the
    // inventory's address (a proxy gives none). One that gives another address disagrees
    // with this agent's inventory (a revision behind, say) and is reported like any server.
    if (directory_.isPeerServer(server) || directory_.isPeerServer(source)) {
        if (mode_ == Mode::Proxy || p.yiaddr == lease->ip)
            return std::nullopt;
    }
    ++sightings_;
    RogueSighting s;
    s.server = server;
    s.mac = lease->mac;
    s.type = *type;
    s.offered = p.yiaddr;
    s.expected = lease->ip;
    s.host_name = lease->host_name;
    const auto key = std::make_pair(server.value(), lease->mac.toU64());
    const TimePoint now = clock_.now();
    auto it = last_warned_.find(key);
    if (it != last_warned_.end() && now - it->second < repeat_after_) {
        s.first = false;
    } else {
        last_warned_[key] = now;
        if (last_warned_.size() > 4096)
            last_warned_.clear();  // bounded memory
    }
    return s;
}

}  // namespace vq::dhcp
