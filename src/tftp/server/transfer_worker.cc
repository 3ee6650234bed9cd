#include "tftp/server/transfer_worker.h"

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <boost/asio/post.hpp>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include "base/log.h"
#include "tftp/server/send_batches.h"

namespace vq::tftp {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

constexpr size_t kMaxDatagram = 65536;
constexpr size_t kBatch = 64;  // datagrams per sendmmsg/recv round

long long msSince(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 t)
        .count();
}

}  // namespace

TransferWorker::TransferWorker(asio::io_context* shared,
                               EventSink& events,
                               TransferCounters& counters,
                               bool gso)
    : own_io_(shared == nullptr ? std::make_unique<asio::io_context>() : nullptr),
      io_(shared == nullptr ? own_io_.get() : shared),
      events_(events),
      counters_(counters),
      rx_(kMaxDatagram),
      gso_(gso) {}

TransferWorker::~TransferWorker() {
    stop();
}

void TransferWorker::startThread() {
    if (!own_io_ || thread_.joinable())
        return;
    work_.emplace(asio::make_work_guard(*own_io_));
    thread_ = std::thread([io = own_io_.get()] { io->run(); });
}

void TransferWorker::stop() {
    if (stopped_.exchange(true))
        return;
    if (!thread_.joinable()) {
        closeAll();
        return;
    }
    // Not io_context::stop(): transfers still queued by adopt() must run to be counted out.
    // After closeAll every wait ends aborted and nothing re-arms, so run() returns.
    asio::post(*own_io_, [this] { closeAll(); });
    work_.reset();
    thread_.join();
}

bool TransferCounters::admitClient(uint32_t client, size_t max_per_client) {
    std::lock_guard lock(per_client_mu_);
    uint32_t& n = per_client_[client];
    if (n >= max_per_client)
        return false;
    ++n;
    return true;
}

void TransferCounters::releaseClient(uint32_t client) {
    std::lock_guard lock(per_client_mu_);
    auto it = per_client_.find(client);
    if (it == per_client_.end())
        return;
    if (--it->second == 0)
        per_client_.erase(it);
}

void TransferWorker::closeAll() {
    boost::system::error_code ec;
    for (auto& [id, t] : transfers_) {
        t->socket.close(ec);
        t->timer.cancel();
        counters_.releaseClient(t->client.value());
    }
    counters_.active -= transfers_.size();
    transfers_.clear();
}

void TransferWorker::adopt(std::unique_ptr<Transfer> t) {
    // The first datagram (OACK or DATA 1) leaves from the calling thread: nothing else knows
    // the transfer yet, and the client's clock is running. The hand-over then costs the worker
    // one wake-up before the client's answer, instead of one more on the first-DATA path.
    t->session->start(std::chrono::steady_clock::now(), t->out);
    flush(*t);
    if (!own_io_) {
        begin(std::move(t));  // same loop as the caller: no hand-over needed
        return;
    }
    std::weak_ptr<TransferWorker> weak = shared_from_this();
    asio::post(*own_io_, [weak, t = std::move(t)]() mutable {
        auto self = weak.lock();
        if (!self)
            return;
        if (self->stopped_) {
            --self->counters_.active;  // dropped before it began; the socket closes here
            self->counters_.releaseClient(t->client.value());
        } else
            self->begin(std::move(t));
    });
}

void TransferWorker::begin(std::unique_ptr<Transfer> t) {
    Transfer& ref = *t;
    transfers_.emplace(t->id, std::move(t));
    armTimer(ref);
    waitTransfer(ref);
}

void TransferWorker::waitTransfer(Transfer& t) {
    std::weak_ptr<TransferWorker> weak = shared_from_this();
    uint64_t id = t.id;
    t.socket.async_wait(udp::socket::wait_read, [weak, id](const boost::system::error_code& ec) {
        auto self = weak.lock();
        if (!self || ec || self->stopped_)
            return;
        self->readTransfer(id);
    });
}

void TransferWorker::readTransfer(uint64_t id) {
    auto it = transfers_.find(id);
    if (it == transfers_.end())
        return;
    Transfer& t = *it->second;
    for (size_t n = 0; n < kBatch && !t.session->finished(); ++n) {
        ssize_t len = ::recv(t.socket.native_handle(), rx_.data(), rx_.size(), MSG_DONTWAIT);
        if (len < 0) {
            if (errno == EINTR)
                continue;
            if (errno == ECONNREFUSED) {
                // ICMP port unreachable: the client is gone. Its timer ends the transfer
                // if it really is; a late ICMP for an old datagram must not.
                continue;
            }
            break;
        }
        // Datagrams from other hosts or ports never arrive: the socket is connected.
        t.out.clear();
        t.out_pos = 0;
        t.session->onPacket({rx_.data(), static_cast<size_t>(len)},
                            std::chrono::steady_clock::now(), t.out);
        flush(t);
    }
    if (t.session->finished()) {
        finish(t);
        return;
    }
    armTimer(t);
    waitTransfer(t);
}

int TransferWorker::sendSome(Transfer& t) {
    const size_t n = std::min(kBatch, t.out.size() - t.out_pos);
    std::span<const Datagram> run(t.out.data() + t.out_pos, n);
    std::array<SendBatch, kBatch> batches;
    const size_t count = planBatches(run, gso_.load(std::memory_order_relaxed), batches);
    std::array<mmsghdr, kBatch> msgs;
    std::array<iovec, 2 * kBatch> iovs;
    struct Control {
        alignas(cmsghdr) uint8_t bytes[CMSG_SPACE(sizeof(uint16_t))];
    };
    std::array<Control, kBatch> controls;
    size_t iov = 0;
    for (size_t b = 0; b < count; ++b) {
        const SendBatch& batch = batches[b];
        msghdr& h = msgs[b].msg_hdr;
        std::memset(&msgs[b], 0, sizeof msgs[b]);
        h.msg_iov = &iovs[iov];
        for (size_t k = 0; k < batch.count; ++k) {
            const Datagram& d = run[batch.first + k];
            if (!d.isData()) {
                iovs[iov++] = {const_cast<uint8_t*>(d.control.data()), d.control.size()};
                continue;
            }
            iovs[iov++] = {const_cast<uint8_t*>(d.header.data()), d.header.size()};
            if (!d.payload.empty())
                iovs[iov++] = {const_cast<uint8_t*>(d.payload.data()), d.payload.size()};
        }
        h.msg_iovlen = static_cast<size_t>(&iovs[iov] - h.msg_iov);
        if (batch.segment_size != 0) {
            h.msg_control = controls[b].bytes;
            h.msg_controllen = sizeof controls[b].bytes;
            cmsghdr* c = CMSG_FIRSTHDR(&h);
            c->cmsg_level = SOL_UDP;
            c->cmsg_type = UDP_SEGMENT;
            c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
            const auto segment = static_cast<uint16_t>(batch.segment_size);
            std::memcpy(CMSG_DATA(c), &segment, sizeof segment);
        }
    }
    int sent = ::sendmmsg(t.socket.native_handle(), msgs.data(), static_cast<unsigned>(count),
                          MSG_DONTWAIT);
    if (sent <= 0)
        return sent;
    size_t datagrams = 0;
    for (int b = 0; b < sent; ++b)
        datagrams += batches[static_cast<size_t>(b)].count;
    return static_cast<int>(datagrams);
}

void TransferWorker::flush(Transfer& t) {
    if (t.waiting_write)
        return;  // the writable wait resumes at out_pos
    while (t.out_pos < t.out.size()) {
        int sent = sendSome(t);
        if (sent < 0 && gso_.load(std::memory_order_relaxed) &&
            (errno == EINVAL || errno == EIO || errno == ENOPROTOOPT || errno == EOPNOTSUPP)) {
            // The kernel (older than 4.18) or the device (no checksum offload) refuses
            // UDP_SEGMENT: send datagram by datagram from now on.
            const int why = errno;
            if (gso_.exchange(false))
                VQ_LOG_INFO("TFTP_GSO_OFF reason=\"{}\"", std::strerror(why));
            continue;
        }
        if (sent == 0)
            break;  // nothing to send: cannot happen with a non-empty run
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                // Socket buffer full: resume when writable instead of dropping the window.
                t.waiting_write = true;
                std::weak_ptr<TransferWorker> weak = shared_from_this();
                uint64_t id = t.id;
                t.socket.async_wait(udp::socket::wait_write,
                                    [weak, id](const boost::system::error_code& ec) {
                                        auto self = weak.lock();
                                        if (!self || ec || self->stopped_)
                                            return;
                                        auto it = self->transfers_.find(id);
                                        if (it == self->transfers_.end())
                                            return;
                                        Transfer& tr = *it->second;
                                        tr.waiting_write = false;
                                        self->flush(tr);
                                        if (tr.session->finished() && !tr.waiting_write) {
                                            self->finish(tr);
                                        }
                                    });
                return;
            }
            t.out_pos = t.out.size();  // e.g. ECONNREFUSED: the timer retransmits or gives up
            break;
        }
        t.out_pos += static_cast<size_t>(sent);
    }
}

void TransferWorker::armTimer(Transfer& t) {
    TimePoint deadline = t.session->deadline();
    if (t.timer_pending && t.timer_at <= deadline)
        return;  // fires early, re-arms then
    t.timer_pending = true;
    t.timer_at = deadline;
    t.timer.expires_at(deadline);
    std::weak_ptr<TransferWorker> weak = shared_from_this();
    uint64_t id = t.id;
    t.timer.async_wait([weak, id](const boost::system::error_code& ec) {
        auto self = weak.lock();
        if (!self || ec || self->stopped_)
            return;
        self->onTimer(id);
    });
}

void TransferWorker::onTimer(uint64_t id) {
    auto it = transfers_.find(id);
    if (it == transfers_.end())
        return;
    Transfer& t = *it->second;
    t.timer_pending = false;
    TimePoint now = std::chrono::steady_clock::now();
    if (now >= t.session->deadline()) {
        t.out.clear();
        t.out_pos = 0;
        t.waiting_write = false;
        t.session->onTimer(now, t.out);
        flush(t);
        if (t.session->finished()) {
            finish(t);
            return;
        }
    }
    armTimer(t);
}

void TransferWorker::finish(Transfer& t) {
    const Session& s = *t.session;
    long long ms = msSince(t.started);
    uint64_t bytes = s.stats().bytes_acked;
    counters_.bytes += bytes;
    std::string detail = "file=" + t.file + " bytes=" + std::to_string(bytes) +
                         " duration_ms=" + std::to_string(ms) +
                         " retransmits=" + std::to_string(s.stats().retransmitted);
    HostEvent e;
    e.ip = t.client;
    e.source = "tftp";
    if (s.state() == SessionState::Done) {
        ++counters_.completed;
        counters_.duration.observe(static_cast<double>(ms) / 1000.0);
        VQ_LOG_INFO("TFTP_DONE client={} {}", t.client.toString(), detail);
        e.kind = "TFTP_DONE";
        e.detail = std::move(detail);
    } else if (s.endedAsSizeProbe()) {
        ++counters_.size_probes;
        VQ_LOG_DEBUG("TFTP_PROBED client={} file={} tsize={}", t.client.toString(), t.file,
                     s.fileSize());
        e.kind = "TFTP_PROBED";
        e.detail = "file=" + t.file + " tsize=" + std::to_string(s.fileSize());
    } else {
        ++counters_.failed;
        VQ_LOG_WARN("TFTP_FAILED client={} {} reason={}", t.client.toString(), detail, s.failure());
        e.kind = "TFTP_FAILED";
        e.detail = detail + " reason=" + s.failure();
    }
    events_.record(std::move(e));
    boost::system::error_code ec;
    t.socket.close(ec);
    t.timer.cancel();
    --counters_.active;
    counters_.releaseClient(t.client.value());
    transfers_.erase(t.id);  // `t` is gone after this line
}

}  // namespace vq::tftp
