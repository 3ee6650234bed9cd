// The IPMI driver against peers that are not BMCs: silence and junk replies must end in a
// bounded-time error for the host, never a crash or a hang. Loopback only.

#include "power/ipmi_driver.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <random>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace vq::power {
namespace {

using namespace std::chrono_literals;

// A UDP socket on 127.0.0.1 whose thread answers every datagram with reply(request).
class FakeBmc {
public:
    using Reply = std::function<std::vector<uint8_t>(const std::vector<uint8_t>&)>;
    explicit FakeBmc(Reply reply) : reply_(std::move(reply)) {
        fd_ = socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
        socklen_t len = sizeof a;
        getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { loop(); });
    }
    ~FakeBmc() {
        stop_ = true;
        thread_.join();
        close(fd_);
    }
    int port() const { return port_; }
    int requests() const { return requests_; }

private:
    void loop() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (poll(&p, 1, 50) <= 0)
                continue;
            std::vector<uint8_t> buf(2048);
            sockaddr_in from{};
            socklen_t len = sizeof from;
            const ssize_t n =
                recvfrom(fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
            if (n < 0)
                continue;
            ++requests_;
            buf.resize(static_cast<size_t>(n));
            const auto out = reply_(buf);
            if (!out.empty())
                sendto(fd_, out.data(), out.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
        }
    }
    Reply reply_;
    int fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> requests_{0};
    std::thread thread_;
};

Target target(int port) {
    Target t;
    t.host = "node1";
    t.driver = "ipmi";
    t.address = "127.0.0.1";
    t.port = port;
    t.username = "admin";
    t.password = "canary-pw-77";
    return t;
}

IpmiOptions quick() {
    IpmiOptions o;
    o.session_timeout = 400ms;
    o.retransmission_timeout = 100ms;
    return o;
}

void expectBoundedFailure(FakeBmc::Reply reply) {
    FakeBmc bmc(std::move(reply));
    IpmiDriver driver(target(bmc.port()), quick());
    const auto start = std::chrono::steady_clock::now();
    auto s = driver.status();
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(s.isOk());
    EXPECT_LT(took, 3s);
    EXPECT_GT(bmc.requests(), 0);
    EXPECT_NE(s.message().find("host node1 (BMC 127.0.0.1:"), std::string::npos) << s.message();
    EXPECT_EQ(s.message().find("canary-pw-77"), std::string::npos) << s.message();
}

TEST(IpmiDriverTest, SilentPeerFailsWithinTheSessionTimeout) {
    expectBoundedFailure([](const std::vector<uint8_t>&) { return std::vector<uint8_t>{}; });
}

TEST(IpmiDriverTest, ShortRepliesAreAnErrorNotACrash) {
    expectBoundedFailure([](const std::vector<uint8_t>& rq) {
        return std::vector<uint8_t>(rq.begin(), rq.begin() + std::min<size_t>(rq.size(), 5));
    });
}

TEST(IpmiDriverTest, EchoedRequestsAreAnErrorNotACrash) {
    expectBoundedFailure([](const std::vector<uint8_t>& rq) { return rq; });
}

TEST(IpmiDriverTest, RandomRepliesAreAnErrorNotACrash) {
    auto rng = std::make_shared<std::mt19937>(1234);
    expectBoundedFailure([rng](const std::vector<uint8_t>& rq) {
        std::vector<uint8_t> out(rq.size() + (*rng)() % 64);
        for (auto& b : out)
            b = static_cast<uint8_t>((*rng)());
        // Keep a plausible RMCP/IPMI header so the reply reaches deeper parsing.
        for (size_t i = 0; i < std::min<size_t>(rq.size(), 8) && i < out.size(); ++i)
            out[i] = rq[i];
        return out;
    });
}

TEST(IpmiDriverTest, EveryActionFailsCleanlyAgainstASilentPeer) {
    FakeBmc bmc([](const std::vector<uint8_t>&) { return std::vector<uint8_t>{}; });
    IpmiDriver driver(target(bmc.port()), quick());
    EXPECT_FALSE(driver.on().isOk());
    EXPECT_FALSE(driver.off().isOk());
    EXPECT_FALSE(driver.cycle().isOk());
    EXPECT_FALSE(driver.soft().isOk());
    const Status pxe = driver.bootdevPxe();
    ASSERT_FALSE(pxe.isOk());
    EXPECT_NE(pxe.message().find("PXE"), std::string::npos) << pxe.message();
}

}  // namespace
}  // namespace vq::power
