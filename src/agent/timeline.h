#pragma once
// The per-host boot timeline: every event the agent's services report (DHCP, TFTP, HTTP),
// kept in memory per MAC and bounded (events per host, hosts in total), served as JSON at
// GET /events and /events/<mac>. TFTP only knows the client's IP, so events without a MAC
// are attributed through an IP -> MAC map fed by DHCP leases (any event carrying both) and
// by the inventory's interface addresses.
//
// Memory is bounded by the events held in all (not only per host times hosts: 256 events for
// each of 4,096 hosts would be a million events, hundreds of MB an agent would fill over
// days of reboots): past `events`, the least recently active hosts are forgotten whole.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/event.h"

namespace vq::agent {

struct TimelineLimits {
    size_t events_per_host = 256;  // oldest dropped first
    size_t hosts = 4096;           // least recently active host dropped first
    size_t events = 65536;         // in all; least recently active hosts dropped first
    size_t addresses = 65536;      // IP -> MAC entries learnt from events
};

class Timeline : public EventSink {
public:
    explicit Timeline(TimelineLimits limits = {}) : limits_(limits) {}

    void record(HostEvent event) override;

    // The inventory's addresses; replaces earlier inventory entries, keeps lease-learned ones.
    void setInventoryAddresses(const std::vector<std::pair<Ipv4, MacAddr>>& pairs);
    void associate(Ipv4 ip, MacAddr mac);
    std::optional<MacAddr> macFor(Ipv4 ip) const;

    std::vector<HostEvent> events(const MacAddr& mac) const;
    // Events whose address maps to no known MAC, grouped under their IP.
    std::vector<HostEvent> unattributed(Ipv4 ip) const;
    size_t hostCount() const;
    size_t eventCount() const;

    // {"hosts":[{"mac":..,"events":N,"last":{..}}], "unattributed":[..]}
    std::string summaryJson() const;
    // {"mac":..,"events":[{"time":..,"source":..,"kind":..,"ip":..,"detail":..}]}
    std::string hostJson(const MacAddr& mac) const;

private:
    // A host's events, oldest first from `head` once the ring is full. A ring in a vector
    // costs one allocation per new host; record() runs on every HTTP request, and with many
    // hosts nearly every request brings a new one and evicts another.
    struct Entry {
        std::vector<HostEvent> ring;
        size_t head = 0;
        std::list<uint64_t>::iterator lru;
        std::vector<HostEvent> ordered() const;
    };
    // A MAC (48 bits), an unattributed address (kIpKey | ip) or kUnknownKey: no strings
    // built on the hot path.
    static constexpr uint64_t kIpKey = uint64_t{1} << 48;
    static constexpr uint64_t kUnknownKey = uint64_t{2} << 48;
    static std::string keyName(uint64_t key);
    void append(uint64_t key, HostEvent event);
    void evictLeastRecent();
    void learn(Ipv4 ip, MacAddr mac);

    TimelineLimits limits_;
    mutable std::mutex mu_;
    std::unordered_map<uint64_t, Entry> hosts_;
    std::list<uint64_t> lru_;  // most recent at the front
    size_t events_ = 0;        // in all rings together
    std::unordered_map<Ipv4, MacAddr> leased_;
    std::unordered_map<Ipv4, MacAddr> inventory_;
};

}  // namespace vq::agent
