#include "net/udp_socket.h"

#include <vector>

#include <gtest/gtest.h>
#include <poll.h>

namespace vq::net {
namespace {

const Ipv4 kLoopback(0x7f000001);

UdpOptions onLoopback() {
    UdpOptions o;
    o.bind_address = kLoopback;
    return o;
}

TEST(UdpSocket, LoopbackRoundTripReportsInterfaceAndAddresses) {
    auto server = UdpSocket::open(onLoopback());
    ASSERT_TRUE(server) << server.message();
    auto client = UdpSocket::open(onLoopback());
    ASSERT_TRUE(client) << client.message();
    const std::vector<uint8_t> payload{1, 2, 3, 4};
    ASSERT_TRUE(client->sendTo(payload, kLoopback, server->localPort()));

    pollfd pfd{server->fd(), POLLIN, 0};
    ASSERT_EQ(poll(&pfd, 1, 2000), 1);
    std::vector<uint8_t> buf(64);
    auto got = server->receive(buf);
    ASSERT_TRUE(got) << got.message();
    EXPECT_FALSE(got->would_block);
    EXPECT_EQ(got->size, 4u);
    EXPECT_EQ(got->source, kLoopback);
    EXPECT_EQ(got->source_port, client->localPort());
    EXPECT_EQ(got->destination, kLoopback);
    EXPECT_EQ(got->local, kLoopback);
    EXPECT_GT(got->ifindex, 0);
}

TEST(UdpSocket, EmptyNonBlockingReceiveSaysWouldBlock) {
    auto s = UdpSocket::open(onLoopback());
    ASSERT_TRUE(s);
    std::vector<uint8_t> buf(16);
    auto got = s->receive(buf);
    ASSERT_TRUE(got);
    EXPECT_TRUE(got->would_block);
}

TEST(UdpSocket, UnknownDeviceIsAnError) {
    UdpOptions o;
    o.device = "no-such-if0";
    auto s = UdpSocket::open(o);
    EXPECT_FALSE(s);
}

}  // namespace
}  // namespace vq::net
