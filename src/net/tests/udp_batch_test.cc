// Batched receive (recvmmsg) and send (sendmmsg) over loopback.
#include <array>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <poll.h>

#include "net/udp_socket.h"

namespace vq::net {
namespace {

const Ipv4 kLoopback(0x7f000001);

UdpSocket openOnLoopback() {
    UdpOptions o;
    o.bind_address = kLoopback;
    auto s = UdpSocket::open(o);
    EXPECT_TRUE(s) << s.message();
    return s ? std::move(*s) : UdpSocket();
}

TEST(UdpBatch, SendsAndReceivesManyInOrderWithPacketInfo) {
    UdpSocket server = openOnLoopback();
    UdpSocket client = openOnLoopback();
    // More than one system call's worth (64) so the split path runs too.
    constexpr size_t kCount = 100;
    std::vector<std::vector<uint8_t>> payloads;
    std::vector<SendItem> items;
    for (size_t i = 0; i < kCount; ++i)
        payloads.push_back({static_cast<uint8_t>(i), static_cast<uint8_t>(i * 3), 7});
    for (const auto& p : payloads)
        items.push_back(SendItem{p, kLoopback, server.localPort(), 0, kLoopback});
    size_t failed = 0;
    std::string error;
    EXPECT_EQ(client.sendBatch(items, failed, error), kCount);
    EXPECT_EQ(failed, 0u) << error;

    std::vector<std::array<uint8_t, 64>> bufs(16);
    std::vector<RecvSlot> slots(16);
    for (size_t i = 0; i < slots.size(); ++i)
        slots[i].buf = bufs[i];
    size_t seen = 0;
    for (int round = 0; round < 200 && seen < kCount; ++round) {
        pollfd pfd{server.fd(), POLLIN, 0};
        ASSERT_EQ(poll(&pfd, 1, 2000), 1);
        auto got = server.receiveBatch(slots);
        ASSERT_TRUE(got) << got.message();
        ASSERT_LE(*got, slots.size());
        for (size_t i = 0; i < *got; ++i, ++seen) {
            const RecvInfo& info = slots[i].info;
            ASSERT_EQ(info.size, 3u);
            EXPECT_EQ(bufs[i][0], static_cast<uint8_t>(seen));
            EXPECT_EQ(bufs[i][1], static_cast<uint8_t>(seen * 3));
            EXPECT_EQ(info.source, kLoopback);
            EXPECT_EQ(info.source_port, client.localPort());
            EXPECT_EQ(info.local, kLoopback);
            EXPECT_GT(info.ifindex, 0);
        }
    }
    EXPECT_EQ(seen, kCount);
    auto none = server.receiveBatch(slots);
    ASSERT_TRUE(none);
    EXPECT_EQ(*none, 0u);  // nothing waiting: no block, no error
}

TEST(UdpBatch, RefusedItemIsSkippedAndTheRestAreSent) {
    UdpSocket server = openOnLoopback();
    UdpSocket client = openOnLoopback();
    const std::vector<uint8_t> payload{1, 2, 3};
    std::vector<SendItem> items = {
        SendItem{payload, kLoopback, server.localPort(), 0, Ipv4()},
        SendItem{payload, Ipv4(0xffffffffu), server.localPort(), 0, Ipv4()},  // no SO_BROADCAST
        SendItem{payload, kLoopback, server.localPort(), 0, Ipv4()},
    };
    size_t failed = 0;
    std::string error;
    EXPECT_EQ(client.sendBatch(items, failed, error), 2u);
    EXPECT_EQ(failed, 1u);
    EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace vq::net
