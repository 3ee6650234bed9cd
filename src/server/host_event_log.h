#pragma once
// The recent boot events of every host, as the dashboard draws its boot timeline: a ring of
// the last `per_host` events per host, for at most `max_hosts` hosts; past that, the host
// that started reporting longest ago is forgotten (the timeline is for recent boots). Agents report
// events by MAC (DHCP, HTTP) or only by address (TFTP); both are resolved here to site/host, the
// address through the last DHCP event that carried both. Events of unknown machines are dropped:
// a stranger's DHCP traffic must not grow memory. Called on every boot request, so recording
// is a lookup, a copy and a short lock. Memory is bounded by the events held in all: per_host
// times max_hosts (two million) would take hundreds of MB to reach, growing for days of
// reboots; past max_events, the hosts that started reporting longest ago are forgotten whole.

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/event.h"
#include "model/model.h"

namespace vq::server {

struct HostEventLogLimits {
    size_t per_host = 200;
    size_t max_hosts = 10000;
    size_t max_addresses = 100000;  // address → host entries for TFTP events
    size_t max_events = 100000;     // in all hosts' rings together
};

// One recorded event with the host it was resolved to.
struct ResolvedEvent {
    std::string site;  // site id
    std::string host;  // host name
    HostEvent event;
};

// {"time": RFC 3339, "ms": epoch milliseconds, "source", "kind", "detail", "mac"?, "ip"?}
nlohmann::json toJson(const HostEvent& event);

class HostEventLog {
public:
    explicit HostEventLog(HostEventLogLimits limits = {}) : limits_(limits) {}

    // Resolves the event's host in `model` (site: the reporting agent's site, empty = any)
    // and keeps it. Returns the resolved event, or nothing when the host is unknown.
    std::optional<ResolvedEvent> record(const model::Model& model,
                                        std::string_view site,
                                        const HostEvent& event);

    // Oldest first; empty for a host without events. site: id as the model names it.
    std::vector<HostEvent> events(std::string_view site, std::string_view host) const;
    // The newest event of every host that has one, keyed "site/host".
    std::unordered_map<std::string, HostEvent> latest() const;
    // Events not kept because their host was unknown.
    uint64_t dropped() const;
    size_t eventCount() const;

private:
    static std::string key(std::string_view site, std::string_view host);
    void forgetOldestHost();  // mu_ held

    HostEventLogLimits limits_;
    mutable std::mutex mu_;
    std::unordered_map<std::string, std::deque<HostEvent>> by_host_;  // "site/host"
    std::deque<std::string> order_;  // by_host_'s keys, oldest first, for eviction
    size_t events_ = 0;              // in all rings together
    // Address → (site, host), learnt from events that carry a MAC and an address.
    std::unordered_map<uint32_t, std::pair<std::string, std::string>> by_address_;
    uint64_t dropped_ = 0;
};

}  // namespace vq::server
