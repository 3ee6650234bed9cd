#include "tftp/server/tftp_service.h"

#include <future>
#include <map>
#include <mutex>
#include <thread>

#include <arpa/inet.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace vq::tftp {
namespace {

class MemorySource : public FileSource {
public:
    std::map<std::string, std::shared_ptr<const FileData>> files;
    FileLookup open(std::string_view name) override {
        if (name.find("..") != std::string_view::npos) {
            return FileLookup::failed(ErrorCode::AccessViolation, "escape");
        }
        auto it = files.find(std::string(name));
        if (it == files.end())
            return FileLookup::failed(ErrorCode::FileNotFound, "missing");
        return FileLookup::found(it->second);
    }
};

class RecordingSink : public EventSink {
public:
    void record(HostEvent e) override {
        std::lock_guard lock(mu);
        events.push_back(std::move(e));
    }
    std::vector<HostEvent> snapshot() {
        std::lock_guard lock(mu);
        return events;
    }
    std::mutex mu;
    std::vector<HostEvent> events;
};

// A minimal blocking RFC 7440 client, enough to drive the real service over loopback.
struct Fetch {
    bool ok = false;
    uint16_t error = 0;
    std::vector<uint8_t> data;
};

Fetch fetch(uint16_t port, const std::string& name, std::vector<Option> options) {
    Fetch f;
    int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    timeval tv{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in srv{};
    srv.sin_family = AF_INET;
    srv.sin_port = htons(port);
    srv.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    uint16_t blksize = 512, window = 1;
    for (auto& o : options) {
        if (o.name == "blksize")
            blksize = static_cast<uint16_t>(std::stoi(o.value));
        if (o.name == "windowsize")
            window = static_cast<uint16_t>(std::stoi(o.value));
    }
    auto rrq = encodeRequest({false, name, Mode::Octet, options});
    ::sendto(fd, rrq.data(), rrq.size(), 0, reinterpret_cast<sockaddr*>(&srv), sizeof srv);
    std::vector<uint8_t> buf(70000);
    uint16_t expected = 1;
    int in_window = 0;
    bool options_seen = false;
    for (int i = 0; i < 1000000; ++i) {
        sockaddr_in from{};
        socklen_t fl = sizeof from;
        ssize_t n =
            ::recvfrom(fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &fl);
        if (n < 0)
            break;
        auto p = decode({buf.data(), static_cast<size_t>(n)});
        if (!p)
            break;
        auto ack = [&](uint16_t b) {
            auto a = encodeAck(b);
            ::sendto(fd, a.data(), a.size(), 0, reinterpret_cast<sockaddr*>(&from), fl);
        };
        if (auto* e = std::get_if<Error>(&*p)) {
            f.error = static_cast<uint16_t>(e->code);
            break;
        }
        if (auto* o = std::get_if<OAck>(&*p)) {
            options_seen = true;
            for (auto& opt : o->options) {
                if (opt.name == "blksize")
                    blksize = static_cast<uint16_t>(std::stoi(opt.value));
                if (opt.name == "windowsize")
                    window = static_cast<uint16_t>(std::stoi(opt.value));
            }
            ack(0);
            continue;
        }
        auto* d = std::get_if<Data>(&*p);
        if (d == nullptr)
            break;
        if (!options_seen)
            window = 1, blksize = 512;
        if (d->block != expected) {
            ack(static_cast<uint16_t>(expected - 1));
            in_window = 0;
            continue;
        }
        f.data.insert(f.data.end(), d->payload.begin(), d->payload.end());
        ++expected;
        bool last = d->payload.size() < blksize;
        if (last || ++in_window >= window) {
            ack(static_cast<uint16_t>(expected - 1));
            in_window = 0;
        }
        if (last) {
            f.ok = true;
            break;
        }
    }
    ::close(fd);
    return f;
}

// Every service test runs with transfers on the caller's loop (0) and on threads of their own.
class ServiceTest : public ::testing::TestWithParam<unsigned> {
protected:
    void SetUp() override {
        std::vector<uint8_t> big(3 * 1024 * 1024 + 17);
        for (size_t i = 0; i < big.size(); ++i)
            big[i] = static_cast<uint8_t>(i ^ (i >> 9));
        big_ = big;
        source_.files["big.bin"] = std::make_shared<BufferFileData>(std::move(big));
        TftpServiceConfig c;
        c.bind_address = "127.0.0.1";
        c.port = 0;
        c.transfer_threads = GetParam();
        service_ = std::make_unique<TftpService>(io_, c, source_, sink_);
        ASSERT_TRUE(service_->start().isOk());
        thread_ = std::thread([this] { io_.run(); });
    }
    void TearDown() override {
        boost::asio::post(io_, [this] { service_->stop(); });
        io_.stop();
        thread_.join();
        service_.reset();
    }
    boost::asio::io_context io_;
    MemorySource source_;
    RecordingSink sink_;
    std::unique_ptr<TftpService> service_;
    std::thread thread_;
    std::vector<uint8_t> big_;
};

TEST_P(ServiceTest, ServesWithAndWithoutOptions) {
    auto plain = fetch(service_->port(), "big.bin", {});
    ASSERT_TRUE(plain.ok);
    EXPECT_EQ(plain.data, big_);
    auto fast = fetch(service_->port(), "big.bin",
                      {{"blksize", "1468"}, {"windowsize", "16"}, {"tsize", "0"}});
    ASSERT_TRUE(fast.ok);
    EXPECT_EQ(fast.data, big_);
}

TEST_P(ServiceTest, RefusesAndReports) {
    EXPECT_EQ(fetch(service_->port(), "nope", {}).error, 1);
    EXPECT_EQ(fetch(service_->port(), "../etc/passwd", {}).error, 2);
    auto events = sink_.snapshot();
    ASSERT_GE(events.size(), 2u);
    EXPECT_EQ(events[0].kind, "TFTP_REFUSED");
    EXPECT_EQ(events[0].source, "tftp");
    ASSERT_TRUE(events[0].ip.has_value());
    EXPECT_EQ(events[0].ip->toString(), "127.0.0.1");
}

TEST_P(ServiceTest, ConcurrentTransfersAllComplete) {
    std::vector<std::thread> clients;
    std::atomic<int> good{0};
    for (int i = 0; i < 32; ++i) {
        clients.emplace_back([&, i] {
            auto f = fetch(service_->port(), "big.bin",
                           {{"blksize", std::to_string(512 + i * 64)}, {"windowsize", "8"}});
            if (f.ok && f.data == big_)
                ++good;
        });
    }
    for (auto& c : clients)
        c.join();
    EXPECT_EQ(good.load(), 32);
    // Done events arrive after the last ACK is processed; allow the loop a moment (up to 5 s:
    // on a loaded 2-core machine the service's threads may wait for a core).
    // A transfer is counted completed before it leaves the active count: wait for both.
    for (int i = 0; i < 500 && (service_->stats().completed < 32 || service_->stats().active != 0);
         ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(service_->stats().completed, 32u);
    EXPECT_EQ(service_->stats().started, 32u);
    EXPECT_EQ(service_->stats().active, 0u);
    EXPECT_EQ(service_->stats().bytes, 32u * big_.size());
    int done = 0;
    for (auto& e : sink_.snapshot())
        done += e.kind == "TFTP_DONE";
    EXPECT_EQ(done, 32);
}

TEST_P(ServiceTest, StopsWithTransfersInFlight) {
    // Clients that ask and then never acknowledge: their transfers are in flight at stop().
    std::vector<int> fds;
    sockaddr_in srv{};
    srv.sin_family = AF_INET;
    srv.sin_port = htons(service_->port());
    srv.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    auto rrq = encodeRequest({false, "big.bin", Mode::Octet, {}});
    for (int i = 0; i < 8; ++i) {
        int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
        timeval tv{2, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::sendto(fd, rrq.data(), rrq.size(), 0, reinterpret_cast<sockaddr*>(&srv), sizeof srv);
        std::vector<uint8_t> buf(1024);
        EXPECT_GT(::recv(fd, buf.data(), buf.size(), 0), 4);  // the first DATA block
        fds.push_back(fd);
    }
    EXPECT_EQ(service_->stats().active, 8u);
    // stop() belongs on the caller's loop, which runs transfers too when transfer_threads is 0.
    std::promise<void> stopped;
    boost::asio::post(io_, [&] {
        service_->stop();
        stopped.set_value();
    });
    stopped.get_future().wait();
    EXPECT_EQ(service_->stats().active, 0u);
    EXPECT_EQ(service_->stats().completed, 0u);
    for (int fd : fds)
        ::close(fd);
}

INSTANTIATE_TEST_SUITE_P(TransferThreads, ServiceTest, ::testing::Values(0u, 1u, 4u));

TEST(TftpServiceConfig, SeveralTransferThreadsByDefault) {
    // One thread would give the whole service one share of a busy machine's CPU.
    unsigned n = TftpServiceConfig::defaultTransferThreads();
    EXPECT_GE(n, 4u);
    EXPECT_LE(n, 16u);
    EXPECT_EQ(TftpServiceConfig{}.transfer_threads, n);
}

TEST(TftpServiceStart, StopBeforeStartAndTwice) {
    boost::asio::io_context io;
    RecordingSink sink;
    MemorySource src;
    TftpServiceConfig c;
    c.bind_address = "127.0.0.1";
    c.port = 0;
    TftpService never(io, c, src, sink);
    never.stop();
    TftpService twice(io, c, src, sink);
    ASSERT_TRUE(twice.start().isOk());
    twice.stop();
    twice.stop();
    EXPECT_EQ(twice.stats().active, 0u);
}

TEST(TftpServiceStart, ReportsBindErrors) {
    boost::asio::io_context io;
    RecordingSink sink;
    MemorySource src;
    TftpServiceConfig c;
    c.bind_address = "not-an-ip";
    TftpService bad(io, c, src, sink);
    EXPECT_FALSE(bad.start().isOk());

    // A port already served is an error, not a second server sharing the requests.
    c.bind_address = "127.0.0.1";
    c.port = 0;
    TftpService first(io, c, src, sink);
    ASSERT_TRUE(first.start().isOk());
    c.port = first.port();
    TftpService second(io, c, src, sink);
    EXPECT_FALSE(second.start().isOk());
}

}  // namespace
}  // namespace vq::tftp
