#pragma once
// The swarm's one DHCP wire: a packet socket on the client side of the link that sends every
// machine's DHCP frames (each with the machine's own source MAC) and hands every DHCP reply
// to the machine waiting for its transaction id. One socket for all machines keeps a
// thousand machines from costing a thousand sockets that all see every broadcast.
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <unordered_map>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "dhcp/codec/packet.h"

namespace vq::swarm {

// Where one machine's replies wait; `wake` is cancelled whenever one arrives.
struct DhcpMailbox {
    explicit DhcpMailbox(const boost::asio::any_io_executor& ex) : wake(ex) {}
    boost::asio::steady_timer wake;
    std::deque<dhcp::Packet> replies;
};

class DhcpLink {
public:
    // Opens the packet socket on `ifname`; throws std::runtime_error when it cannot.
    DhcpLink(boost::asio::io_context& io, const std::string& ifname);
    ~DhcpLink();
    DhcpLink(const DhcpLink&) = delete;
    DhcpLink& operator=(const DhcpLink&) = delete;

    void send(std::span<const uint8_t> frame);
    void subscribe(uint32_t xid, DhcpMailbox* box) { boxes_[xid] = box; }
    void unsubscribe(uint32_t xid) { boxes_.erase(xid); }
    void start();  // the receive loop, until the io_context stops

    uint64_t sendErrors() const { return send_errors_; }
    uint64_t unmatched() const { return unmatched_; }

private:
    void waitReadable();
    void drain();

    int fd_ = -1;
    int ifindex_ = 0;
    boost::asio::posix::stream_descriptor readable_;
    std::unordered_map<uint32_t, DhcpMailbox*> boxes_;
    uint64_t send_errors_ = 0;
    uint64_t unmatched_ = 0;
};

}  // namespace vq::swarm
