// The runtime over loopback on unprivileged ports: real sockets, the service thread,
// events and counters.
#include <mutex>

#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include "dhcp/server/static_directory.h"
#include "dhcp/service/dhcp_service.h"
#include "dhcp/testing/sim_client.h"
#include "net/udp_socket.h"

namespace vq::dhcp {
namespace {

class RecordingSink : public EventSink {
public:
    void record(HostEvent e) override {
        std::lock_guard lock(mu_);
        events_.push_back(std::move(e));
    }
    std::vector<HostEvent> events() {
        std::lock_guard lock(mu_);
        return events_;
    }

private:
    std::mutex mu_;
    std::vector<HostEvent> events_;
};

const Ipv4 kLo(0x7f000001);

// The service on loopback, answering `client_port`; each test its own server port, so that
// tests of one binary never share one.
DhcpServiceConfig loopbackConfig(int test, uint16_t client_port) {
    DhcpServiceConfig cfg;
    cfg.interfaces = {"lo"};
    cfg.server_port = static_cast<uint16_t>(20000 + test + getpid() % 20000);
    cfg.client_port = client_port;
    cfg.detect_rogue = false;
    return cfg;
}

TEST(DhcpService, AnswersOverRealSocketsAndReportsEvents) {
    StaticDirectory dir;
    auto subnet = std::make_shared<SubnetInfo>();
    subnet->cidr = *Cidr::parse("127.0.0.0/8");
    subnet->dns = {*Ipv4::parse("127.0.0.53")};
    dir.add({*MacAddr::parse("52:54:00:00:00:01"), kLo, subnet, "loop", true, false, "loop"});

    net::UdpOptions co;
    co.bind_address = kLo;
    auto client = net::UdpSocket::open(co);
    ASSERT_TRUE(client) << client.message();

    DhcpServiceConfig cfg = loopbackConfig(0, client->localPort());
    RecordingSink sink;
    DhcpService svc(cfg, dir, sink);
    ASSERT_TRUE(svc.start());

    // A renewing client (ciaddr set) is answered by unicast to ciaddr:client port.
    auto profile = testing::plainOs(*MacAddr::parse("52:54:00:00:00:01"));
    Packet req = testing::makeRequest(profile, 99, kLo, std::nullopt);
    req.options.remove(opt::kRequestedIp);
    req.ciaddr = kLo;
    ASSERT_TRUE(client->sendTo(encode(req), kLo, cfg.server_port));
    // An unknown MAC and garbage get nothing.
    Packet unknown = testing::makeRequest(testing::plainOs(*MacAddr::parse("02:00:00:00:00:09")),
                                          98, kLo, std::nullopt);
    ASSERT_TRUE(client->sendTo(encode(unknown), kLo, cfg.server_port));
    const std::vector<uint8_t> junk{1, 2, 3};
    ASSERT_TRUE(client->sendTo(junk, kLo, cfg.server_port));

    pollfd pfd{client->fd(), POLLIN, 0};
    ASSERT_EQ(poll(&pfd, 1, 3000), 1);
    std::vector<uint8_t> buf(1500);
    auto got = client->receive(buf);
    ASSERT_TRUE(got);
    auto ack = decode(std::span<const uint8_t>(buf.data(), got->size));
    ASSERT_TRUE(ack) << ack.message();
    EXPECT_EQ(ack->xid, 99u);
    EXPECT_EQ(ack->messageType(), MessageType::Ack);
    EXPECT_EQ(ack->yiaddr, kLo);
    EXPECT_EQ(ack->options.ip(opt::kDns), Ipv4::parse("127.0.0.53"));
    EXPECT_EQ(poll(&pfd, 1, 300), 0) << "nothing else may be answered";

    svc.stop();
    auto stats = svc.stats();
    EXPECT_EQ(stats.received, 3u);
    EXPECT_EQ(stats.replies_sent, 1u);
    EXPECT_EQ(stats.decode_errors, 1u);
    EXPECT_EQ(stats.drops["unknown_mac"], 1u);
    auto events = sink.events();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, "DHCP_ACK");
    EXPECT_EQ(events[0].source, "dhcp");
    EXPECT_EQ(events[0].mac->toString(), "52:54:00:00:00:01");
}

// A burst larger than one read and one send batch: every request is answered once, in
// batches (recvmmsg/sendmmsg), and every exchange is recorded.
TEST(DhcpService, BurstIsAnsweredInFull) {
    StaticDirectory dir;
    auto subnet = std::make_shared<SubnetInfo>();
    subnet->cidr = *Cidr::parse("127.0.0.0/8");
    dir.add({*MacAddr::parse("52:54:00:00:00:01"), kLo, subnet, "", true, false, "loop"});
    net::UdpOptions co;
    co.bind_address = kLo;
    co.receive_buffer = 1 << 20;
    auto client = net::UdpSocket::open(co);
    ASSERT_TRUE(client) << client.message();
    DhcpServiceConfig cfg = loopbackConfig(1, client->localPort());
    RecordingSink sink;
    DhcpService svc(cfg, dir, sink);
    ASSERT_TRUE(svc.start());

    constexpr uint32_t kCount = 300;
    auto profile = testing::plainOs(*MacAddr::parse("52:54:00:00:00:01"));
    std::vector<std::vector<uint8_t>> wires;
    for (uint32_t xid = 1; xid <= kCount; ++xid) {
        Packet req = testing::makeRequest(profile, xid, kLo, std::nullopt);
        req.options.remove(opt::kRequestedIp);
        req.ciaddr = kLo;
        wires.push_back(encode(req));
    }
    std::vector<net::SendItem> items;
    for (const auto& w : wires)
        items.push_back(net::SendItem{w, kLo, cfg.server_port, 0, Ipv4()});
    size_t failed = 0;
    std::string error;
    ASSERT_EQ(client->sendBatch(items, failed, error), kCount) << error;

    std::vector<bool> seen(kCount + 1, false);
    uint32_t answered = 0;
    std::vector<uint8_t> buf(1500);
    pollfd pfd{client->fd(), POLLIN, 0};
    while (answered < kCount && poll(&pfd, 1, 3000) == 1) {
        auto got = client->receive(buf);
        ASSERT_TRUE(got);
        if (got->would_block)
            continue;
        auto ack = decode(std::span<const uint8_t>(buf.data(), got->size));
        ASSERT_TRUE(ack) << ack.message();
        ASSERT_GE(ack->xid, 1u);
        ASSERT_LE(ack->xid, kCount);
        EXPECT_FALSE(seen[ack->xid]) << "answered twice: " << ack->xid;
        seen[ack->xid] = true;
        ++answered;
    }
    svc.stop();
    EXPECT_EQ(answered, kCount);
    EXPECT_EQ(svc.stats().received, kCount);
    EXPECT_EQ(svc.stats().replies_sent, kCount);
    EXPECT_EQ(sink.events().size(), kCount);
}

// A subnet whose options cannot fit what the client accepts: the reply that leaves is
// within 576 bytes (IP and UDP headers included) and the trimming is counted.
TEST(DhcpService, OversizedReplyIsTrimmedToTheClientsLimit) {
    StaticDirectory dir;
    auto subnet = std::make_shared<SubnetInfo>();
    subnet->cidr = *Cidr::parse("127.0.0.0/8");
    for (uint8_t code : {224, 225, 226})
        subnet->extra_options.push_back(RawOption{code, std::vector<uint8_t>(200, code)});
    dir.add({*MacAddr::parse("52:54:00:00:00:01"), kLo, subnet, "", true, false, "loop"});
    net::UdpOptions co;
    co.bind_address = kLo;
    auto client = net::UdpSocket::open(co);
    ASSERT_TRUE(client) << client.message();
    DhcpServiceConfig cfg = loopbackConfig(2, client->localPort());
    RecordingSink sink;
    DhcpService svc(cfg, dir, sink);
    ASSERT_TRUE(svc.start());

    Packet req = testing::makeRequest(testing::plainOs(*MacAddr::parse("52:54:00:00:00:01")), 5,
                                      kLo, std::nullopt);
    req.options.remove(opt::kRequestedIp);
    req.options.setU16(opt::kMaxMessageSize, 576);
    req.ciaddr = kLo;
    ASSERT_TRUE(client->sendTo(encode(req), kLo, cfg.server_port));
    pollfd pfd{client->fd(), POLLIN, 0};
    ASSERT_EQ(poll(&pfd, 1, 3000), 1);
    std::vector<uint8_t> buf(1500);
    auto got = client->receive(buf);
    ASSERT_TRUE(got);
    EXPECT_LE(got->size, 548u);
    auto ack = decode(std::span<const uint8_t>(buf.data(), got->size));
    ASSERT_TRUE(ack) << ack.message();
    EXPECT_EQ(ack->messageType(), MessageType::Ack);
    EXPECT_TRUE(ack->options.has(224));
    EXPECT_FALSE(ack->options.has(226));
    svc.stop();
    EXPECT_EQ(svc.stats().replies_sent, 1u);
    EXPECT_EQ(svc.stats().replies_trimmed, 1u);
    EXPECT_EQ(svc.stats().replies_too_large, 0u);
}

TEST(DhcpService, MissingInterfaceFailsToStart) {
    StaticDirectory dir;
    NullEventSink sink;
    DhcpServiceConfig cfg;
    cfg.interfaces = {"no-such-if0"};
    DhcpService svc(cfg, dir, sink);
    Status st = svc.start();
    EXPECT_FALSE(st);
    EXPECT_NE(st.message().find("no-such-if0"), std::string::npos);
}

}  // namespace
}  // namespace vq::dhcp
