#include "agent/timeline.h"

#include <algorithm>
#include <array>
#include <ctime>

#include <nlohmann/json.hpp>

namespace vq::agent {
namespace {

std::string isoTime(std::chrono::system_clock::time_point t) {
    const auto since = t.time_since_epoch();
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(since);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since - secs).count();
    const time_t tt = static_cast<time_t>(secs.count());
    struct tm tm {};
    gmtime_r(&tt, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[48];
    std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
    return out;
}

nlohmann::json toJson(const HostEvent& e) {
    nlohmann::json j;
    j["time"] = isoTime(e.time);
    j["source"] = e.source;
    j["kind"] = e.kind;
    if (e.mac)
        j["mac"] = e.mac->toString();
    if (e.ip)
        j["ip"] = e.ip->toString();
    j["detail"] = e.detail;
    return j;
}

}  // namespace

std::vector<HostEvent> Timeline::Entry::ordered() const {
    std::vector<HostEvent> out;
    out.reserve(ring.size());
    for (size_t i = 0; i < ring.size(); ++i)
        out.push_back(ring[(head + i) % ring.size()]);
    return out;
}

std::string Timeline::keyName(uint64_t key) {
    if (key == kUnknownKey)
        return "unknown";
    if (key & kIpKey)
        return "ip:" + Ipv4(static_cast<uint32_t>(key)).toString();
    std::array<uint8_t, 6> b{};
    for (size_t i = 0; i < b.size(); ++i)
        b[i] = static_cast<uint8_t>(key >> (8 * (5 - i)));
    return MacAddr(b).toString();
}

void Timeline::record(HostEvent event) {
    std::lock_guard lock(mu_);
    if (event.mac && event.ip && !event.ip->isZero())
        learn(*event.ip, *event.mac);
    if (!event.mac && event.ip) {
        if (auto it = leased_.find(*event.ip); it != leased_.end()) {
            event.mac = it->second;
        } else if (auto inv = inventory_.find(*event.ip); inv != inventory_.end()) {
            event.mac = inv->second;
        }
    }
    uint64_t key = kUnknownKey;
    if (event.mac) {
        key = event.mac->toU64();
    } else if (event.ip) {
        key = kIpKey | event.ip->value();
    }
    append(key, std::move(event));
}

void Timeline::learn(Ipv4 ip, MacAddr mac) {
    auto it = leased_.find(ip);
    if (it != leased_.end()) {
        it->second = mac;
        return;
    }
    // Any address a client reports is learnt, so the table is capped; the entry given up only
    // leaves that address's TFTP events unattributed until its next DHCP exchange.
    if (leased_.size() >= std::max<size_t>(1, limits_.addresses))
        leased_.erase(leased_.begin());
    leased_.emplace(ip, mac);
}

void Timeline::evictLeastRecent() {
    auto victim = hosts_.find(lru_.back());
    events_ -= victim->second.ring.size();
    hosts_.erase(victim);
    lru_.pop_back();
}

void Timeline::append(uint64_t key, HostEvent event) {
    auto it = hosts_.find(key);
    if (it == hosts_.end()) {
        while (hosts_.size() >= limits_.hosts && !lru_.empty())
            evictLeastRecent();
        lru_.push_front(key);
        it = hosts_.emplace(key, Entry{{}, 0, lru_.begin()}).first;
    } else {
        lru_.splice(lru_.begin(), lru_, it->second.lru);
    }
    Entry& e = it->second;
    if (limits_.events_per_host == 0)
        return;
    if (e.ring.size() < limits_.events_per_host) {
        e.ring.push_back(std::move(event));
        ++events_;
    } else {
        e.ring[e.head] = std::move(event);
        e.head = (e.head + 1) % e.ring.size();
    }
    // This host is at the front of lru_, so it is never the one evicted here.
    while (events_ > limits_.events && lru_.size() > 1)
        evictLeastRecent();
}

void Timeline::setInventoryAddresses(const std::vector<std::pair<Ipv4, MacAddr>>& pairs) {
    std::lock_guard lock(mu_);
    inventory_.clear();
    for (const auto& [ip, mac] : pairs)
        inventory_[ip] = mac;
}

void Timeline::associate(Ipv4 ip, MacAddr mac) {
    std::lock_guard lock(mu_);
    learn(ip, mac);
}

std::optional<MacAddr> Timeline::macFor(Ipv4 ip) const {
    std::lock_guard lock(mu_);
    if (auto it = leased_.find(ip); it != leased_.end())
        return it->second;
    if (auto it = inventory_.find(ip); it != inventory_.end())
        return it->second;
    return std::nullopt;
}

std::vector<HostEvent> Timeline::events(const MacAddr& mac) const {
    std::lock_guard lock(mu_);
    auto it = hosts_.find(mac.toU64());
    if (it == hosts_.end())
        return {};
    return it->second.ordered();
}

std::vector<HostEvent> Timeline::unattributed(Ipv4 ip) const {
    std::lock_guard lock(mu_);
    auto it = hosts_.find(kIpKey | ip.value());
    if (it == hosts_.end())
        return {};
    return it->second.ordered();
}

size_t Timeline::hostCount() const {
    std::lock_guard lock(mu_);
    return hosts_.size();
}

size_t Timeline::eventCount() const {
    std::lock_guard lock(mu_);
    return events_;
}

std::string Timeline::summaryJson() const {
    std::lock_guard lock(mu_);
    nlohmann::json hosts = nlohmann::json::array();
    nlohmann::json other = nlohmann::json::array();
    for (const auto& key : lru_) {
        const auto& entry = hosts_.at(key);
        nlohmann::json h;
        h["events"] = entry.ring.size();
        if (!entry.ring.empty()) {
            const size_t last = (entry.head + entry.ring.size() - 1) % entry.ring.size();
            h["last"] = toJson(entry.ring[last]);
        }
        if (key >= kIpKey) {
            h["key"] = keyName(key);
            other.push_back(std::move(h));
        } else {
            h["mac"] = keyName(key);
            hosts.push_back(std::move(h));
        }
    }
    nlohmann::json out;
    out["hosts"] = std::move(hosts);
    out["unattributed"] = std::move(other);
    return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string Timeline::hostJson(const MacAddr& mac) const {
    nlohmann::json events = nlohmann::json::array();
    for (const auto& e : this->events(mac))
        events.push_back(toJson(e));
    nlohmann::json out;
    out["mac"] = mac.toString();
    out["events"] = std::move(events);
    return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace vq::agent
