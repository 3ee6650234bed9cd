#include "tftp_fetch.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <variant>

#include "await_util.h"
#include <boost/asio/this_coro.hpp>

#include "tftp/codec/packet.h"

namespace vq::swarm {

namespace {

using asio::ip::udp;

struct Received {
    size_t size = 0;
    udp::endpoint from;
};

// The next datagram before `deadline`, or nullopt.
asio::awaitable<std::optional<Received>> receiveBefore(udp::socket& s,
                                                       std::vector<uint8_t>& buf,
                                                       Clock::time_point deadline) {
    Deadline guard(co_await asio::this_coro::executor, deadline, [&s] {
        boost::system::error_code ignored;
        s.cancel(ignored);
    });
    Received r;
    boost::system::error_code ec;
    r.size = co_await s.async_receive_from(asio::buffer(buf), r.from,
                                           asio::redirect_error(asio::use_awaitable, ec));
    if (ec)
        co_return std::nullopt;
    co_return r;
}

void sendTo(udp::socket& s, const std::vector<uint8_t>& wire, const udp::endpoint& to) {
    boost::system::error_code ignored;
    s.send_to(asio::buffer(wire), to, 0, ignored);  // a lost send is a lost datagram
}

std::string optionValue(const std::vector<tftp::Option>& options, std::string_view name) {
    for (const auto& o : options)
        if (o.name == name)
            return o.value;
    return {};
}

unsigned toUnsigned(const std::string& s, unsigned fallback) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && p == s.data() + s.size() && v > 0 ? v : fallback;
}

std::string errorText(const tftp::Error& e) {
    return "TFTP ERROR " + std::to_string(static_cast<int>(e.code)) + " " + e.message;
}

}  // namespace

asio::awaitable<bool> tftpProbe(udp::socket& s,
                                udp::endpoint server,
                                const std::string& file,
                                const TftpBehaviour& how,
                                Timeline& t) {
    std::vector<uint8_t> buf(2048);
    tftp::Request rrq;
    rrq.filename = file;
    rrq.options = {{"tsize", "0"}, {"blksize", std::to_string(how.blksize)}};
    const auto wire = tftp::encodeRequest(rrq);
    for (unsigned attempt = 0; attempt <= how.retries; ++attempt) {
        if (attempt > 0)
            ++t.tftp_retransmits;
        sendTo(s, wire, server);
        const auto deadline = Clock::now() + how.timeout;
        while (auto got = co_await receiveBefore(s, buf, deadline)) {
            auto p = tftp::decode(std::span<const uint8_t>(buf.data(), got->size));
            if (!p)
                continue;
            if (auto* e = std::get_if<tftp::Error>(&*p)) {
                t.fail("tftp probe: " + errorText(*e));
                co_return false;
            }
            if (std::holds_alternative<tftp::OAck>(*p) || std::holds_alternative<tftp::Data>(*p)) {
                sendTo(s, tftp::encodeError(tftp::ErrorCode::OptionRefused, "tsize probe"),
                       got->from);
                co_return true;
            }
        }
    }
    t.fail("tftp probe: no answer to RRQ " + file);
    co_return false;
}

asio::awaitable<size_t> tftpFetch(udp::socket& s,
                                  udp::endpoint server,
                                  const std::string& file,
                                  const TftpBehaviour& how,
                                  Timeline& t) {
    std::vector<uint8_t> buf(std::max<size_t>(how.blksize + 64, 2048));
    tftp::Request rrq;
    rrq.filename = file;
    rrq.options = {{"blksize", std::to_string(how.blksize)}, {"tsize", "0"}};
    if (how.windowsize > 1)
        rrq.options.push_back({"windowsize", std::to_string(how.windowsize)});
    const auto rrq_wire = tftp::encodeRequest(rrq);

    std::optional<udp::endpoint> peer;  // the server's transfer port, once it answered
    size_t blksize = tftp::kDefaultBlockSize;
    size_t window = 1;
    // Blocks as 64-bit indexes (the wire's 16-bit numbers roll over). Like EDK2's list of
    // holes, blocks that arrive ahead of a missing one are kept, not dropped: jitter
    // reorders a window without losing anything.
    uint64_t edge = 0;         // every block up to here has arrived
    std::set<uint64_t> ahead;  // blocks past edge + 1 that arrived
    uint64_t final_block = 0;  // the short block, once seen
    size_t since_ack = 0;      // blocks received since the last ACK
    size_t bytes = 0;
    Clock::time_point acked_at{};
    auto ack = [&] {
        sendTo(s, tftp::encodeAck(static_cast<uint16_t>(edge)), *peer);
        since_ack = 0;
        acked_at = Clock::now();
    };

    sendTo(s, rrq_wire, server);
    unsigned timeouts = 0;
    // The timer runs from the last progress: blocks sent again do not hold it off.
    auto deadline = Clock::now() + how.timeout;
    for (;;) {
        auto got = co_await receiveBefore(s, buf, deadline);
        if (!got) {
            deadline = Clock::now() + how.timeout;
            if (++timeouts > how.retries) {
                t.fail("tftp: " + file + ": no answer after " + std::to_string(how.retries) +
                       " retransmissions at block " + std::to_string(edge));
                co_return 0;
            }
            ++t.tftp_retransmits;
            if (peer)
                ack();
            else
                sendTo(s, rrq_wire, server);
            continue;
        }
        if (peer && got->from != *peer)
            continue;  // another transfer's port (a duplicated OACK of a retried RRQ)
        auto p = tftp::decode(std::span<const uint8_t>(buf.data(), got->size));
        if (!p)
            continue;
        if (auto* e = std::get_if<tftp::Error>(&*p)) {
            t.fail("tftp: " + file + ": " + errorText(*e));
            co_return 0;
        }
        if (auto* o = std::get_if<tftp::OAck>(&*p)) {
            if (!peer) {
                peer = got->from;
                blksize = toUnsigned(optionValue(o->options, "blksize"), tftp::kDefaultBlockSize);
                window = toUnsigned(optionValue(o->options, "windowsize"), 1);
            }
            if (edge == 0 && ahead.empty()) {
                timeouts = 0;
                deadline = Clock::now() + how.timeout;
                ack();
            }
            continue;
        }
        auto* d = std::get_if<tftp::Data>(&*p);
        if (!d)
            continue;
        if (!peer)
            peer = got->from;  // no OACK: the server ignored the options (RFC 1350 only)
        const uint16_t delta = static_cast<uint16_t>(d->block - static_cast<uint16_t>(edge));
        if (delta == 0 || delta >= 0x8000) {
            // Blocks already here came again: the server missed our ACK. Say it again, once
            // per burst of them (RFC 7440 section 4; in lock-step, the classic re-ACK).
            if (window == 1 || Clock::now() - acked_at > std::chrono::milliseconds(100))
                ack();
            continue;
        }
        const uint64_t index = edge + delta;
        if (delta > 4096 || !ahead.insert(index).second)
            continue;  // far ahead of anything sent in a window, or a duplicate
        timeouts = 0;
        deadline = Clock::now() + how.timeout;
        bytes += d->payload.size();
        ++since_ack;
        if (d->payload.size() < blksize)
            final_block = index;
        while (!ahead.empty() && *ahead.begin() == edge + 1) {
            ahead.erase(ahead.begin());
            ++edge;
        }
        if (final_block != 0 && edge == final_block) {
            ack();
            co_return bytes;
        }
        if (since_ack >= window)
            ack();  // the highest block with nothing missing before it
    }
}

}  // namespace vq::swarm
