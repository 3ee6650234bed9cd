// Server-Sent Events over loopback, read by a raw socket client: the stream opens at once,
// carries what the source returns, keeps the connection alive with comments, and the server
// stops promptly with a stream open.
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/server.h"

namespace vq::http {
namespace {

class ScriptedSource : public EventSource {
public:
    std::vector<std::string> poll(size_t) override {
        std::lock_guard lock(mu_);
        return std::exchange(pending_, {});
    }
    void push(std::string m) {
        std::lock_guard lock(mu_);
        pending_.push_back(std::move(m));
    }

private:
    std::mutex mu_;
    std::vector<std::string> pending_;
};

int connectTo(uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Reads into `got` until it contains `needle` or 3 s pass.
bool readUntil(int fd, std::string& got, const std::string& needle) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (got.find(needle) == std::string::npos) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return false;
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0)
            return false;
        char buf[4096];
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0)
            return got.find(needle) != std::string::npos;
        got.append(buf, static_cast<size_t>(n));
    }
    return true;
}

TEST(EventStream, CarriesMessagesAndHeartbeatsUntilTheServerStops) {
    auto source = std::make_shared<ScriptedSource>();
    Router router;
    router.exact("/events", [source](const Request&) {
        Response r;
        r.events = source;
        r.event_timing.poll_interval = std::chrono::milliseconds(20);
        r.event_timing.heartbeat = std::chrono::milliseconds(100);
        return r;
    });
    ServerOptions opts;
    opts.address = "127.0.0.1";
    opts.port = 0;
    opts.threads = 1;
    auto server = std::make_unique<Server>(opts, std::move(router));
    ASSERT_TRUE(server->start().isOk());
    const int fd = connectTo(server->port());
    ASSERT_GE(fd, 0);
    const std::string req = "GET /events HTTP/1.1\r\nHost: x\r\n\r\n";
    ASSERT_EQ(::send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
    std::string got;
    ASSERT_TRUE(readUntil(fd, got, ": open\n\n")) << got;
    EXPECT_NE(got.find("HTTP/1.1 200"), std::string::npos);
    EXPECT_NE(got.find("Content-Type: text/event-stream"), std::string::npos);
    EXPECT_EQ(got.find("Content-Length"), std::string::npos);

    source->push("{\"n\":1}");
    source->push("two\nlines");
    EXPECT_TRUE(readUntil(fd, got, "data: {\"n\":1}\n\ndata: two\ndata: lines\n\n")) << got;
    EXPECT_TRUE(readUntil(fd, got, ": keep-alive\n\n")) << "a heartbeat when idle";

    const auto started = std::chrono::steady_clock::now();
    server->stop();
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2))
        << "an open stream does not hold the server";
    char buf[256];
    pollfd p{fd, POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 2000), 1);
    EXPECT_LE(::recv(fd, buf, sizeof buf, 0), 0) << "the stream ends when the server stops";
    ::close(fd);
}

TEST(EventStream, AClientThatLeavesEndsItsStream) {
    std::atomic<int> polls{0};
    struct Counting : EventSource {
        std::atomic<int>& n;
        explicit Counting(std::atomic<int>& c) : n(c) {}
        std::vector<std::string> poll(size_t) override {
            ++n;
            return {std::string(1000, 'x')};
        }
    };
    auto counting = std::make_shared<Counting>(polls);
    Router router;
    router.exact("/events", [counting](const Request&) {
        Response r;
        r.events = counting;
        r.event_timing.poll_interval = std::chrono::milliseconds(10);
        return r;
    });
    ServerOptions opts;
    opts.address = "127.0.0.1";
    opts.port = 0;
    opts.threads = 1;
    Server server(opts, std::move(router));
    ASSERT_TRUE(server.start().isOk());
    const int fd = connectTo(server.port());
    ASSERT_GE(fd, 0);
    const std::string req = "GET /events HTTP/1.1\r\nHost: x\r\n\r\n";
    ::send(fd, req.data(), req.size(), 0);
    std::string got;
    ASSERT_TRUE(readUntil(fd, got, "data: x"));
    ::close(fd);
    // Writes fail once the peer is gone; the poll count then stops growing.
    int before = -1;
    for (int i = 0; i < 100 && before != polls.load(); ++i) {
        before = polls.load();
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(before, polls.load()) << "the stream kept polling after its client left";
}

}  // namespace
}  // namespace vq::http
