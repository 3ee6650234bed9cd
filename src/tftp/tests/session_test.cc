#include "tftp/core/session.h"

#include <map>
#include <random>

#include <gtest/gtest.h>

namespace vq::tftp {
namespace {

using std::chrono::milliseconds;

std::shared_ptr<const FileData> makeFile(size_t size) {
    std::vector<uint8_t> b(size);
    for (size_t i = 0; i < size; ++i)
        b[i] = static_cast<uint8_t>(i * 7 + i / 251);
    return std::make_shared<BufferFileData>(std::move(b));
}

Negotiated opts(uint16_t blksize, uint16_t window, bool oack) {
    Negotiated n;
    n.block_size = blksize;
    n.window_size = window;
    if (oack)
        n.oack = {{"blksize", std::to_string(blksize)}};
    return n;
}

struct Harness {
    SimulatedClock clock;
    std::shared_ptr<const FileData> file;
    Session session;
    std::vector<Datagram> out;

    Harness(size_t size, Negotiated n, SessionLimits l = {})
        : file(makeFile(size)), session(file, n, l) {}

    std::vector<Datagram> start() {
        out.clear();
        session.start(clock.now(), out);
        return out;
    }
    std::vector<Datagram> ack(uint16_t block) {
        out.clear();
        auto w = encodeAck(block);
        session.onPacket(w, clock.now(), out);
        return out;
    }
    std::vector<Datagram> tick(milliseconds d) {
        clock.advance(d);
        out.clear();
        session.onTimer(clock.now(), out);
        return out;
    }
};

uint16_t blockOf(const Datagram& d) {
    EXPECT_TRUE(d.isData());
    return static_cast<uint16_t>(d.header[2] << 8 | d.header[3]);
}

TEST(TftpSession, PlainTransferWithoutOptions) {
    Harness h(1000, opts(512, 1, false));
    auto o = h.start();
    ASSERT_EQ(o.size(), 1u);
    EXPECT_EQ(blockOf(o[0]), 1);
    EXPECT_EQ(o[0].payload.size(), 512u);
    o = h.ack(1);
    ASSERT_EQ(o.size(), 1u);
    EXPECT_EQ(blockOf(o[0]), 2);
    EXPECT_EQ(o[0].payload.size(), 488u);
    o = h.ack(2);
    EXPECT_TRUE(o.empty());
    EXPECT_EQ(h.session.state(), SessionState::Done);
    EXPECT_EQ(h.session.stats().bytes_acked, 1000u);
}

TEST(TftpSession, ExactMultipleEndsWithEmptyBlock) {
    Harness h(1024, opts(512, 1, false));
    h.start();
    h.ack(1);
    auto o = h.ack(2);
    ASSERT_EQ(o.size(), 1u);
    EXPECT_EQ(blockOf(o[0]), 3);
    EXPECT_TRUE(o[0].payload.empty());
    h.ack(3);
    EXPECT_EQ(h.session.state(), SessionState::Done);
}

TEST(TftpSession, EmptyFile) {
    Harness h(0, opts(512, 4, false));
    auto o = h.start();
    ASSERT_EQ(o.size(), 1u);
    EXPECT_TRUE(o[0].payload.empty());
    h.ack(1);
    EXPECT_EQ(h.session.state(), SessionState::Done);
}

TEST(TftpSession, OackThenAckZeroStartsData) {
    Harness h(3000, opts(1024, 1, true));
    auto o = h.start();
    ASSERT_EQ(o.size(), 1u);
    EXPECT_FALSE(o[0].isData());
    EXPECT_EQ(h.session.state(), SessionState::AwaitingOptionAck);
    EXPECT_TRUE(h.ack(5).empty());  // anything but ACK 0 is ignored
    o = h.ack(0);
    ASSERT_EQ(o.size(), 1u);
    EXPECT_EQ(o[0].payload.size(), 1024u);
}

TEST(TftpSession, OackRetransmittedThenClientRefuses) {
    Harness h(3000, opts(1024, 1, true));
    h.start();
    auto o = h.tick(milliseconds(1000));
    ASSERT_EQ(o.size(), 1u);
    EXPECT_FALSE(o[0].isData());
    h.out.clear();
    auto err = encodeError(ErrorCode::OptionRefused, "no");
    h.session.onPacket(err, h.clock.now(), h.out);
    EXPECT_EQ(h.session.state(), SessionState::Failed);
    EXPECT_TRUE(h.session.endedAsSizeProbe());  // EDK2's tsize probe, not a failed boot
    EXPECT_TRUE(h.out.empty());                 // an ERROR is never answered
}

TEST(TftpSession, ErrorAfterDataIsAFailureNotAProbe) {
    Harness h(5000, opts(512, 1, false));
    h.start();
    EXPECT_EQ(h.ack(1).size(), 1u);
    h.out.clear();
    auto err = encodeError(ErrorCode::OptionRefused, "late");
    h.session.onPacket(err, h.clock.now(), h.out);
    EXPECT_EQ(h.session.state(), SessionState::Failed);
    EXPECT_FALSE(h.session.endedAsSizeProbe());
}

TEST(TftpSession, SorcerersApprenticeDuplicateAckIgnored) {
    Harness h(5000, opts(512, 1, false));
    h.start();
    EXPECT_EQ(h.ack(1).size(), 1u);  // DATA 2
    EXPECT_TRUE(h.ack(1).empty());   // duplicate ACK 1: no second DATA 2
    EXPECT_TRUE(h.ack(1).empty());
    EXPECT_EQ(h.session.stats().data_sent, 2u);
    auto o = h.ack(2);
    ASSERT_EQ(o.size(), 1u);
    EXPECT_EQ(blockOf(o[0]), 3);
}

int dataCopies(const std::vector<Datagram>& out, uint16_t block) {
    int n = 0;
    for (const auto& d : out)
        n += d.isData() && blockOf(d) == block ? 1 : 0;
    return n;
}

TEST(TftpSession, LockStepReAcksBringTheTimerBackToItsBase) {
    // A BIOS PXE ROM says its ACK again every 2 s and gives up after 6 times, 14 s without a
    // block. A burst of loss takes the first copies of block 2. With the timer's backoff the
    // ROM got copies at 0, 1, 3 and 7 s only, four in all, and a swarm on a lossy link lost a
    // machine that way; its re-ACKs now show it is waiting, so the timer stays at 1 s.
    Harness h(5000, opts(512, 1, false));  // default limits: 1 s, backoff to 8 s, 6 retries
    h.start();
    int copies = dataCopies(h.ack(1), 2);  // the first copy of block 2, at 0 s
    for (int ms = 1; ms < 14000; ++ms) {
        copies += dataCopies(h.tick(milliseconds(1)), 2);
        if (ms % 2000 == 0) {
            EXPECT_TRUE(h.ack(1).empty())
                << "a duplicate ACK never sends by itself (" << ms << " ms)";
        }
    }
    EXPECT_GE(copies, 7) << "copies of block 2 the ROM could get before it gave up";
    EXPECT_FALSE(h.session.finished());
    EXPECT_EQ(dataCopies(h.ack(2), 3), 1);
}

TEST(TftpSession, LockStepReAcksNeverSendMoreThanOnePerBaseInterval) {
    Harness h(5000, opts(512, 1, false));
    h.start();
    h.ack(1);
    int copies = 0;
    for (int i = 0; i < 100; ++i) {  // a duplicate every 100 ms for 10 s
        EXPECT_TRUE(h.ack(1).empty());
        copies += dataCopies(h.tick(milliseconds(100)), 2);
    }
    EXPECT_LE(copies, 10);
    EXPECT_GE(copies, 9);
    // Without progress the transfer still ends, re-ACKs or not: no longer than the whole
    // backoff would have taken (6 x 8 s).
    int seconds = 10;
    while (!h.session.finished() && seconds < 120) {
        h.ack(1);
        h.tick(milliseconds(1000));
        ++seconds;
    }
    EXPECT_EQ(h.session.state(), SessionState::Failed);
    EXPECT_LE(seconds, 50);
}

TEST(TftpSession, TimeoutRetransmitsWithBackoffAndGivesUp) {
    SessionLimits l;
    l.max_retries = 3;
    l.max_timeout = milliseconds(3000);
    Negotiated n = opts(512, 1, false);
    n.timeout = milliseconds(1000);
    Harness h(5000, n, l);
    h.start();
    EXPECT_TRUE(h.tick(milliseconds(999)).empty());
    auto o = h.tick(milliseconds(1));
    ASSERT_EQ(o.size(), 1u);
    EXPECT_EQ(blockOf(o[0]), 1);
    EXPECT_TRUE(h.tick(milliseconds(1999)).empty());  // backoff doubled to 2 s
    EXPECT_EQ(h.tick(milliseconds(1)).size(), 1u);
    EXPECT_TRUE(h.tick(milliseconds(2999)).empty());  // capped at 3 s
    EXPECT_EQ(h.tick(milliseconds(1)).size(), 1u);
    o = h.tick(milliseconds(3000));
    ASSERT_EQ(o.size(), 1u);
    EXPECT_FALSE(o[0].isData());  // ERROR "timed out"
    EXPECT_EQ(h.session.state(), SessionState::Failed);
    EXPECT_EQ(h.session.stats().retransmitted, 3u);
}

TEST(TftpSession, ProgressResetsBackoff) {
    Harness h(5000, opts(512, 1, false));
    h.start();
    h.tick(milliseconds(1000));  // retry 1, timeout now 2 s
    h.ack(1);
    EXPECT_EQ(h.tick(milliseconds(1000)).size(), 1u);  // back to 1 s
}

TEST(TftpSession, WindowSendsManyAndAdvancesOnPartialAck) {
    Harness h(10 * 100, opts(100, 4, false));
    auto o = h.start();
    ASSERT_EQ(o.size(), 4u);
    EXPECT_EQ(blockOf(o[3]), 4);
    // The client saw 1 and 2, then a gap: it acks 2, the next window starts at 3.
    o = h.ack(2);
    ASSERT_EQ(o.size(), 4u);
    EXPECT_EQ(blockOf(o[0]), 3);
    EXPECT_EQ(blockOf(o[3]), 6);
    o = h.ack(6);
    ASSERT_EQ(o.size(), 4u);
    EXPECT_EQ(blockOf(o[0]), 7);
    EXPECT_EQ(blockOf(o[3]), 10);
    o = h.ack(10);
    ASSERT_EQ(o.size(), 1u);  // block 11, empty: 1000 is a multiple of 100
    EXPECT_TRUE(o[0].payload.empty());
    h.ack(11);
    EXPECT_EQ(h.session.state(), SessionState::Done);
}

TEST(TftpSession, WindowDuplicateAckAnsweredOncePerPosition) {
    Harness h(10 * 100, opts(100, 4, false));
    h.start();
    h.ack(4);                        // window 5..8 sent
    EXPECT_EQ(h.ack(4).size(), 4u);  // block 5 lost: resend 5..8 once
    EXPECT_TRUE(h.ack(4).empty());   // but not again at once
    h.clock.advance(milliseconds(250));
    EXPECT_EQ(h.ack(4).size(), 4u);  // a quarter timeout later it may be lost again
    EXPECT_TRUE(h.ack(4).empty());
    EXPECT_EQ(h.ack(8).size(), 3u);  // 9, 10, 11
}

TEST(TftpSession, StaleAndFutureAcksIgnored) {
    Harness h(100 * 10, opts(10, 4, false));
    h.start();
    h.ack(4);
    EXPECT_TRUE(h.ack(2).empty());   // late ACK from the previous window
    EXPECT_TRUE(h.ack(50).empty());  // never sent
    EXPECT_EQ(h.session.stats().ignored, 2u);
}

TEST(TftpSession, UnexpectedOpcodeFailsWithError4) {
    Harness h(100, opts(512, 1, false));
    h.start();
    auto data = encodeData(1, {});
    h.out.clear();
    h.session.onPacket(data, h.clock.now(), h.out);
    ASSERT_EQ(h.out.size(), 1u);
    EXPECT_EQ(h.out[0].control[3], 4);
    EXPECT_TRUE(h.session.finished());
}

TEST(TftpSession, GarbageIgnored) {
    Harness h(100, opts(512, 1, false));
    h.start();
    std::vector<uint8_t> junk{0xff};
    h.out.clear();
    h.session.onPacket(junk, h.clock.now(), h.out);
    EXPECT_TRUE(h.out.empty());
    EXPECT_FALSE(h.session.finished());
}

TEST(TftpSession, BlockNumbersRollOverPast65535) {
    const size_t blocks = 70000;
    Harness h(blocks * 8 + 3, opts(8, 1, false));
    auto o = h.start();
    for (uint64_t i = 1; i <= blocks; ++i) {
        ASSERT_EQ(o.size(), 1u);
        ASSERT_EQ(blockOf(o[0]), static_cast<uint16_t>(i));
        o = h.ack(static_cast<uint16_t>(i));
    }
    ASSERT_EQ(o.size(), 1u);
    EXPECT_EQ(blockOf(o[0]), static_cast<uint16_t>(blocks + 1));
    EXPECT_EQ(o[0].payload.size(), 3u);
    h.ack(static_cast<uint16_t>(blocks + 1));
    EXPECT_EQ(h.session.state(), SessionState::Done);
    EXPECT_EQ(h.session.stats().bytes_acked, blocks * 8 + 3);
}

// A lossy, duplicating, reordering network between the session and an RFC 7440 receiver.
struct Net {
    std::mt19937 rng;
    double loss, dup;
    int jitter_us;
    std::multimap<TimePoint, std::vector<uint8_t>> to_server, to_client;

    void send(std::multimap<TimePoint, std::vector<uint8_t>>& q,
              TimePoint now,
              std::vector<uint8_t> bytes) {
        std::uniform_real_distribution<double> u(0, 1);
        std::uniform_int_distribution<int> j(0, jitter_us);
        int copies = u(rng) < dup ? 2 : 1;
        for (int c = 0; c < copies; ++c) {
            if (u(rng) < loss)
                continue;
            q.emplace(now + std::chrono::microseconds(500 + j(rng)), bytes);
        }
    }
};

struct Receiver {
    uint16_t block_size = 512;
    uint16_t window = 1;
    uint16_t expected = 1;
    int in_window = 0;
    std::vector<uint8_t> got;
    bool finished = false;
    TimePoint last_rx{};

    // Returns the ACK to send, if any.
    std::optional<uint16_t> onData(uint16_t block,
                                   std::span<const uint8_t> payload,
                                   TimePoint now) {
        last_rx = now;
        if (block != expected) {
            in_window = 0;
            return static_cast<uint16_t>(expected - 1);  // gap or duplicate: re-ack in-order
        }
        got.insert(got.end(), payload.begin(), payload.end());
        ++expected;
        bool last = payload.size() < block_size;
        if (last)
            finished = true;
        if (last || ++in_window >= window) {
            in_window = 0;
            return static_cast<uint16_t>(expected - 1);
        }
        return std::nullopt;
    }
};

void runLossy(uint32_t seed,
              size_t size,
              uint16_t blksize,
              uint16_t window,
              double loss,
              double dup,
              int jitter_us) {
    SCOPED_TRACE("seed=" + std::to_string(seed) + " window=" + std::to_string(window));
    SimulatedClock clock;
    auto file = makeFile(size);
    SessionLimits l;
    l.max_retries = 50;
    Negotiated n = opts(blksize, window, true);
    n.timeout = milliseconds(100);
    Session s(file, n, l);
    Net net{std::mt19937(seed), loss, dup, jitter_us, {}, {}};
    Receiver r;
    r.block_size = blksize;
    r.window = window;
    std::vector<Datagram> out;
    s.start(clock.now(), out);
    bool client_started = false;
    const auto client_timeout = milliseconds(150);
    for (int step = 0; step < 2'000'000 && !s.finished(); ++step) {
        for (auto& d : out)
            net.send(net.to_client, clock.now(), d.wire());
        out.clear();
        TimePoint next = s.deadline();
        if (!net.to_server.empty())
            next = std::min(next, net.to_server.begin()->first);
        if (!net.to_client.empty())
            next = std::min(next, net.to_client.begin()->first);
        TimePoint client_deadline = r.last_rx + client_timeout;
        if (client_started && !r.finished)
            next = std::min(next, client_deadline);
        if (next > clock.now())
            clock.advance(next - clock.now());
        TimePoint now = clock.now();
        if (!net.to_client.empty() && net.to_client.begin()->first <= now) {
            auto bytes = std::move(net.to_client.begin()->second);
            net.to_client.erase(net.to_client.begin());
            auto p = decode(bytes);
            ASSERT_TRUE(p.isOk());
            if (std::holds_alternative<OAck>(*p)) {
                client_started = true;
                r.last_rx = now;
                if (r.expected == 1)
                    net.send(net.to_server, now, encodeAck(0));
            } else if (auto* d = std::get_if<Data>(&*p)) {
                client_started = true;
                auto a = r.onData(d->block, d->payload, now);
                if (a)
                    net.send(net.to_server, now, encodeAck(*a));
            }
        } else if (!net.to_server.empty() && net.to_server.begin()->first <= now) {
            auto bytes = std::move(net.to_server.begin()->second);
            net.to_server.erase(net.to_server.begin());
            s.onPacket(bytes, now, out);
        } else if (client_started && !r.finished && now >= client_deadline) {
            r.last_rx = now;  // client timeout: re-ack what it has
            net.send(net.to_server, now, encodeAck(static_cast<uint16_t>(r.expected - 1)));
        } else {
            s.onTimer(now, out);
        }
    }
    ASSERT_EQ(s.state(), SessionState::Done) << s.failure();
    auto want = file->bytes();
    ASSERT_EQ(r.got.size(), want.size());
    EXPECT_TRUE(std::equal(want.begin(), want.end(), r.got.begin()));
}

TEST(TftpSession, SurvivesLossDuplicationReorderingWindow1) {
    for (uint32_t seed = 1; seed <= 8; ++seed)
        runLossy(seed, 40000, 512, 1, 0.1, 0.1, 2000);
}

TEST(TftpSession, SurvivesLossDuplicationReorderingWindow16) {
    for (uint32_t seed = 1; seed <= 8; ++seed)
        runLossy(seed, 200000, 1468, 16, 0.1, 0.1, 2000);
}

TEST(TftpSession, SurvivesLossAcrossRollover) {
    runLossy(42, 70000 * 16 + 5, 16, 8, 0.02, 0.02, 300);
}

}  // namespace
}  // namespace vq::tftp
