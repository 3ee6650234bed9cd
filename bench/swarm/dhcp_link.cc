#include "dhcp_link.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "udp_frame.h"
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

namespace vq::swarm {

namespace {

// Classic BPF: IPv4, UDP, not a fragment, destination port 68. Everything else on the link
// (the machines' TCP and TFTP traffic) never reaches this socket.
constexpr std::array<sock_filter, 11> kDhcpReplyFilter{{
    {0x28, 0, 0, 12},      // ldh [12]            ethertype
    {0x15, 0, 8, 0x0800},  // jeq IPv4 else drop
    {0x30, 0, 0, 23},      // ldb [23]            protocol
    {0x15, 0, 6, 17},      // jeq UDP else drop
    {0x28, 0, 0, 20},      // ldh [20]            flags + fragment offset
    {0x45, 4, 0, 0x1fff},  // jset offset -> drop
    {0xb1, 0, 0, 14},      // ldxb 4*([14]&0xf)   IP header length
    {0x48, 0, 0, 16},      // ldh [x+16]          UDP destination port
    {0x15, 0, 1, 68},      // jeq 68 else drop
    {0x06, 0, 0, 65535},   // accept
    {0x06, 0, 0, 0},       // drop
}};

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

}  // namespace

DhcpLink::DhcpLink(boost::asio::io_context& io, const std::string& ifname) : readable_(io) {
    fd_ = ::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (fd_ < 0)
        fail("packet socket");
    ifindex_ = static_cast<int>(::if_nametoindex(ifname.c_str()));
    if (ifindex_ == 0)
        fail("interface " + ifname);
    sock_fprog prog{static_cast<unsigned short>(kDhcpReplyFilter.size()),
                    const_cast<sock_filter*>(kDhcpReplyFilter.data())};
    if (::setsockopt(fd_, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0)
        fail("SO_ATTACH_FILTER");
    int one = 1;
    ::setsockopt(fd_, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
    int buf = 8 << 20;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof buf);
    sockaddr_ll addr{};
    addr.sll_family = AF_PACKET;
    addr.sll_protocol = htons(ETH_P_ALL);
    addr.sll_ifindex = ifindex_;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        fail("bind packet socket to " + ifname);
    readable_.assign(::dup(fd_));
}

DhcpLink::~DhcpLink() {
    boost::system::error_code ec;
    readable_.close(ec);
    if (fd_ >= 0)
        ::close(fd_);
}

void DhcpLink::send(std::span<const uint8_t> frame) {
    if (::send(fd_, frame.data(), frame.size(), 0) != static_cast<ssize_t>(frame.size()))
        ++send_errors_;  // counted; the machine's own retransmission covers it, as on a wire
}

void DhcpLink::start() {
    waitReadable();
}

void DhcpLink::waitReadable() {
    readable_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                         [this](const boost::system::error_code& ec) {
                             if (ec)
                                 return;
                             drain();
                             waitReadable();
                         });
}

void DhcpLink::drain() {
    std::array<uint8_t, 2048> buf;
    for (int budget = 0; budget < 256; ++budget) {
        ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
        if (n <= 0)
            return;
        auto frame = parseUdpFrame(std::span<const uint8_t>(buf.data(), static_cast<size_t>(n)));
        if (!frame || frame->ends.dst_port != dhcp::kClientPort)
            continue;
        auto packet = dhcp::decode(frame->payload);
        if (!packet || packet->op != dhcp::kBootReply)
            continue;
        auto it = boxes_.find(packet->xid);
        if (it == boxes_.end()) {
            ++unmatched_;  // a late or duplicated reply to a finished exchange
            continue;
        }
        it->second->replies.push_back(std::move(*packet));
        it->second->wake.cancel();
    }
}

}  // namespace vq::swarm
