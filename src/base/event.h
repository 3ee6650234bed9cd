#pragma once
// Everything a host does is an event: DHCP, TFTP and HTTP services report what they
// served to an EventSink; the agent keeps them as a per-host boot timeline and forwards
// them to the server. Services know only this interface.

#include <chrono>
#include <optional>
#include <string>

#include "base/ipv4.h"
#include "base/mac_addr.h"

namespace vq {

struct HostEvent {
    std::chrono::system_clock::time_point time = std::chrono::system_clock::now();
    std::optional<MacAddr> mac;  // known for DHCP and HTTP; TFTP knows only the address
    std::optional<Ipv4> ip;
    std::string source;  // "dhcp", "tftp", "http"
    std::string kind;    // stable UPPER_SNAKE name, e.g. DHCP_ACK, TFTP_DONE, HTTP_IPXE
    std::string detail;  // key=value pairs for people
};

class EventSink {
public:
    virtual ~EventSink() = default;
    // Must be cheap and thread-safe: called on the hot path of every service.
    virtual void record(HostEvent event) = 0;
};

class NullEventSink : public EventSink {
public:
    void record(HostEvent) override {}
};

}  // namespace vq
