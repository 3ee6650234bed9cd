#include "dhcp_exchange.h"

#include <random>

#include "await_util.h"
#include "udp_frame.h"
#include <boost/asio/this_coro.hpp>

namespace vq::swarm {

namespace {

uint32_t newXid() {
    static std::mt19937 rng(std::random_device{}());
    return static_cast<uint32_t>(rng());
}

void sendMessage(DhcpLink& link, const MacAddr& mac, dhcp::Packet& p, const Timeline& t) {
    p.secs = static_cast<uint16_t>(t.sinceOn() / 1000);
    auto payload = dhcp::encode(p);
    UdpEndpoints ends;
    ends.src_mac = mac.bytes();
    ends.dst_mac = kEtherBroadcast;
    ends.src_ip = 0;
    ends.dst_ip = 0xffffffff;
    ends.src_port = dhcp::kClientPort;
    ends.dst_port = dhcp::kServerPort;
    link.send(buildUdpFrame(ends, payload));
}

// The next reply of one of the wanted types for this MAC, or nullopt at the deadline.
asio::awaitable<std::optional<dhcp::Packet>> awaitReply(DhcpMailbox& box,
                                                        const MacAddr& mac,
                                                        Clock::time_point deadline,
                                                        dhcp::MessageType want,
                                                        dhcp::MessageType or_want) {
    for (;;) {
        while (!box.replies.empty()) {
            dhcp::Packet p = std::move(box.replies.front());
            box.replies.pop_front();
            auto type = p.messageType();
            if (p.mac() == mac && type && (*type == want || *type == or_want))
                co_return p;
        }
        if (Clock::now() >= deadline)
            co_return std::nullopt;
        box.wake.expires_at(deadline);
        boost::system::error_code ec;
        co_await box.wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

Lease leaseOf(const dhcp::Packet& ack) {
    Lease l;
    l.address = ack.yiaddr;
    l.server_id = ack.options.ip(dhcp::opt::kServerId).value_or(Ipv4());
    l.next_server = ack.siaddr;
    if (l.next_server.isZero()) {
        if (auto s = ack.options.str(dhcp::opt::kTftpServerName))
            l.next_server = Ipv4::parse(*s).value_or(Ipv4());
    }
    if (l.next_server.isZero())
        l.next_server = l.server_id;
    l.boot_file = ack.file;
    if (auto f = ack.options.str(dhcp::opt::kBootfileName); l.boot_file.empty() && f)
        l.boot_file = *f;
    while (!l.boot_file.empty() && l.boot_file.back() == '\0')
        l.boot_file.pop_back();
    l.hostname = ack.options.str(dhcp::opt::kHostname).value_or("");
    l.domain = ack.options.str(dhcp::opt::kDomainName).value_or("");
    return l;
}

}  // namespace

asio::awaitable<std::optional<Lease>> dhcpExchange(DhcpLink& link,
                                                   Firmware firmware,
                                                   DhcpStage stage,
                                                   const MacAddr& mac,
                                                   Timeline& timeline,
                                                   const std::string& prefix) {
    auto ex = co_await asio::this_coro::executor;
    const auto waits = dhcpBehaviour(firmware, stage).waits;
    for (int attempt = 0; attempt < 2; ++attempt) {  // a NAK restarts discovery once
        const uint32_t xid = newXid();
        DhcpMailbox box(ex);
        link.subscribe(xid, &box);
        struct Unsubscribe {
            DhcpLink& link;
            uint32_t xid;
            ~Unsubscribe() { link.unsubscribe(xid); }
        } unsubscribe{link, xid};

        std::optional<dhcp::Packet> offer;
        for (size_t i = 0; i < waits.size() && !offer; ++i) {
            auto discover = dhcpMessage(firmware, stage, mac, xid, dhcp::MessageType::Discover);
            sendMessage(link, mac, discover, timeline);
            if (i == 0 && attempt == 0)
                timeline.mark(prefix + "discover");
            else
                ++timeline.dhcp_retransmits;
            offer = co_await awaitReply(box, mac, Clock::now() + waits[i], dhcp::MessageType::Offer,
                                        dhcp::MessageType::Offer);
        }
        if (!offer) {
            timeline.fail(prefix + "dhcp: no OFFER after " + std::to_string(waits.size()) +
                          " DISCOVERs");
            co_return std::nullopt;
        }
        timeline.mark(prefix + "offer");
        const auto server_id = offer->options.ip(dhcp::opt::kServerId);
        std::optional<dhcp::Packet> answer;
        for (size_t i = 0; i < waits.size() && !answer; ++i) {
            auto request = dhcpMessage(firmware, stage, mac, xid, dhcp::MessageType::Request);
            request.options.setIp(dhcp::opt::kRequestedIp, offer->yiaddr);
            if (server_id)
                request.options.setIp(dhcp::opt::kServerId, *server_id);
            sendMessage(link, mac, request, timeline);
            if (i > 0)
                ++timeline.dhcp_retransmits;
            answer = co_await awaitReply(box, mac, Clock::now() + waits[i], dhcp::MessageType::Ack,
                                         dhcp::MessageType::Nak);
        }
        if (!answer) {
            timeline.fail(prefix + "dhcp: no ACK after " + std::to_string(waits.size()) +
                          " REQUESTs");
            co_return std::nullopt;
        }
        if (answer->messageType() == dhcp::MessageType::Nak) {
            timeline.mark(prefix + "nak");
            continue;
        }
        timeline.mark(prefix + "ack");
        co_return leaseOf(*answer);
    }
    timeline.fail(prefix + "dhcp: NAK twice");
    co_return std::nullopt;
}

}  // namespace vq::swarm
