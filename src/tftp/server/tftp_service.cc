#include "tftp/server/tftp_service.h"

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <unordered_map>

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "tftp/core/admission.h"
#include "tftp/core/session.h"

namespace vq::tftp {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

constexpr size_t kMaxDatagram = 65536;
constexpr size_t kBatch = 64;  // datagrams per sendmmsg/recv round

// MTU of the interface holding `addr` (host order), 0 when unknown.
int mtuOf(uint32_t addr) {
    struct ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0)
        return 0;
    int mtu = 0;
    for (auto* i = list; i != nullptr; i = i->ifa_next) {
        if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET)
            continue;
        auto* sin = reinterpret_cast<sockaddr_in*>(i->ifa_addr);
        if (ntohl(sin->sin_addr.s_addr) != addr)
            continue;
        int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            break;
        struct ifreq req;
        std::memset(&req, 0, sizeof req);
        std::strncpy(req.ifr_name, i->ifa_name, IFNAMSIZ - 1);
        if (::ioctl(fd, SIOCGIFMTU, &req) == 0)
            mtu = req.ifr_mtu;
        ::close(fd);
        break;
    }
    ::freeifaddrs(list);
    return mtu;
}

std::string sanitize(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 200))
        out += (c >= 0x20 && c < 0x7f && c != ' ') ? c : '?';
    return out;
}

long long msSince(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 t)
        .count();
}

}  // namespace

class TftpService::Impl : public std::enable_shared_from_this<TftpService::Impl> {
public:
    Impl(asio::io_context& io, TftpServiceConfig config, FileSource* files, EventSink& events)
        : io_(io), config_(std::move(config)), events_(events), listener_(io) {
        if (files == nullptr) {
            owned_files_ = std::make_unique<DirectoryFileSource>(config_.files);
            files = owned_files_.get();
        }
        files_ = files;
    }

    Status start();
    void stop();
    uint16_t port() const { return port_; }
    TftpStats stats() const {
        TftpStats s = stats_;
        s.active = transfers_.size();
        return s;
    }

private:
    struct Transfer {
        explicit Transfer(asio::io_context& io) : socket(io), timer(io) {}
        uint64_t id = 0;
        udp::socket socket;
        asio::steady_timer timer;
        std::unique_ptr<Session> session;
        std::vector<Datagram> out;  // produced by the session, not yet sent
        size_t out_pos = 0;         // first unsent datagram of `out`
        bool waiting_write = false;
        bool timer_pending = false;
        TimePoint timer_at{};
        TimePoint started{};
        Ipv4 client;
        std::string file;
    };

    void waitRequest();
    void readRequests();
    void handleRequest(std::span<const uint8_t> bytes, const sockaddr_in& from, uint32_t local);
    void waitTransfer(Transfer& t);
    void readTransfer(uint64_t id);
    void flush(Transfer& t);
    void armTimer(Transfer& t);
    void onTimer(uint64_t id);
    void finish(Transfer& t);
    uint16_t blockLimitFor(uint32_t local);
    void record(Ipv4 ip, std::string kind, std::string detail) {
        HostEvent e;
        e.ip = ip;
        e.source = "tftp";
        e.kind = std::move(kind);
        e.detail = std::move(detail);
        events_.record(std::move(e));
    }

    asio::io_context& io_;
    TftpServiceConfig config_;
    EventSink& events_;
    std::unique_ptr<DirectoryFileSource> owned_files_;
    FileSource* files_ = nullptr;
    udp::socket listener_;
    uint16_t port_ = 0;
    bool stopped_ = false;
    uint64_t next_id_ = 1;
    std::unordered_map<uint64_t, std::unique_ptr<Transfer>> transfers_;
    std::unordered_map<uint32_t, uint16_t> block_limits_;  // by local address
    std::vector<uint8_t> rx_ = std::vector<uint8_t>(kMaxDatagram);
    TftpStats stats_;
};

Status TftpService::Impl::start() {
    boost::system::error_code ec;
    auto addr = asio::ip::make_address_v4(config_.bind_address, ec);
    if (ec)
        return Status::error("tftp: bad bind address '" + config_.bind_address + "'");
    listener_.open(udp::v4(), ec);
    if (!ec)
        if (!ec)
            listener_.bind(udp::endpoint(addr, config_.port), ec);
    if (!ec)
        listener_.non_blocking(true, ec);
    if (ec) {
        return Status::error("tftp: cannot bind " + config_.bind_address + ":" +
                             std::to_string(config_.port) + ": " + ec.message());
    }
    int on = 1;
    ::setsockopt(listener_.native_handle(), IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
    port_ = listener_.local_endpoint(ec).port();
    VQ_LOG_INFO("TFTP_LISTEN addr={} port={} root={}", config_.bind_address, port_,
                config_.files.root.string());
    waitRequest();
    return Status::ok();
}

void TftpService::Impl::stop() {
    stopped_ = true;
    boost::system::error_code ec;
    listener_.close(ec);
    for (auto& [id, t] : transfers_) {
        t->socket.close(ec);
        t->timer.cancel();
    }
    transfers_.clear();
}

void TftpService::Impl::waitRequest() {
    std::weak_ptr<Impl> weak = shared_from_this();
    listener_.async_wait(udp::socket::wait_read, [weak](const boost::system::error_code& ec) {
        auto self = weak.lock();
        if (!self || ec || self->stopped_)
            return;
        self->readRequests();
        self->waitRequest();
    });
}

void TftpService::Impl::readRequests() {
    for (size_t n = 0; n < kBatch; ++n) {
        sockaddr_in from;
        std::memset(&from, 0, sizeof from);
        iovec iov{rx_.data(), rx_.size()};
        alignas(cmsghdr) std::array<char, CMSG_SPACE(sizeof(in_pktinfo))> control{};
        msghdr msg;
        std::memset(&msg, 0, sizeof msg);
        msg.msg_name = &from;
        msg.msg_namelen = sizeof from;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.data();
        msg.msg_controllen = control.size();
        ssize_t len = ::recvmsg(listener_.native_handle(), &msg, MSG_DONTWAIT);
        if (len < 0) {
            if (errno == EINTR)
                continue;
            return;  // EAGAIN, or an ICMP error for an earlier reply: nothing to do
        }
        uint32_t local = 0;
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
                in_pktinfo info;
                std::memcpy(&info, CMSG_DATA(c), sizeof info);
                local = ntohl(info.ipi_spec_dst.s_addr);
            }
        }
        handleRequest({rx_.data(), static_cast<size_t>(len)}, from, local);
    }
}

uint16_t TftpService::Impl::blockLimitFor(uint32_t local) {
    uint16_t limit = config_.limits.max_block_size;
    if (!config_.block_size_from_mtu)
        return limit;
    auto it = block_limits_.find(local);
    if (it != block_limits_.end())
        return it->second;
    int mtu = mtuOf(local);
    if (mtu > 68)
        limit = static_cast<uint16_t>(std::min<int>(limit, mtu - 32));
    block_limits_.emplace(local, limit);
    return limit;
}

void TftpService::Impl::handleRequest(std::span<const uint8_t> bytes,
                                      const sockaddr_in& from,
                                      uint32_t local) {
    Ipv4 client(ntohl(from.sin_addr.s_addr));
    auto reply = [&](const std::vector<uint8_t>& wire) {
        ::sendto(listener_.native_handle(), wire.data(), wire.size(), MSG_DONTWAIT,
                 reinterpret_cast<const sockaddr*>(&from), sizeof from);
    };
    if (transfers_.size() >= config_.max_transfers) {
        ++stats_.refused;
        VQ_LOG_WARN("TFTP_BUSY client={} active={}", client.toString(), transfers_.size());
        reply(encodeError(ErrorCode::NotDefined, "server busy"));
        return;
    }
    SessionLimits limits = config_.limits;
    limits.max_block_size = blockLimitFor(local);
    Admission a = admit(bytes, *files_, limits);
    std::string file = a.request ? sanitize(a.request->filename) : std::string("-");
    if (!a.accepted()) {
        if (a.reply) {
            ++stats_.refused;
            VQ_LOG_WARN("TFTP_REFUSED client={} file={} error={} reason={}", client.toString(),
                        file, static_cast<int>(a.error), a.reason);
            record(client, "TFTP_REFUSED",
                   "file=" + file + " error=" + std::to_string(static_cast<int>(a.error)) + " (" +
                       std::string(errorCodeName(a.error)) + ") reason=" + a.reason);
            reply(*a.reply);
        }
        return;
    }
    auto t = std::make_unique<Transfer>(io_);
    boost::system::error_code ec;
    t->socket.open(udp::v4(), ec);
    if (!ec)
        t->socket.bind(udp::endpoint(asio::ip::address_v4(local), 0), ec);
    if (!ec) {
        t->socket.connect(udp::endpoint(asio::ip::address_v4(client.value()), ntohs(from.sin_port)),
                          ec);
    }
    if (!ec)
        t->socket.non_blocking(true, ec);
    if (ec) {
        VQ_LOG_ERROR("TFTP_SOCKET_FAILED client={} error={}", client.toString(), ec.message());
        reply(encodeError(ErrorCode::NotDefined, "server error"));
        return;
    }
    t->id = next_id_++;
    t->session = std::move(a.session);
    t->started = std::chrono::steady_clock::now();
    t->client = client;
    t->file = file;
    const Negotiated& n = t->session->negotiated();
    ++stats_.started;
    VQ_LOG_INFO("TFTP_START client={} file={} size={} blksize={} windowsize={} options={}",
                client.toString(), file, t->session->fileSize(), n.block_size, n.window_size,
                n.oack.size());
    record(client, "TFTP_START",
           "file=" + file + " tsize=" + std::to_string(t->session->fileSize()) + " blksize=" +
               std::to_string(n.block_size) + " windowsize=" + std::to_string(n.window_size));
    Transfer& ref = *t;
    transfers_.emplace(t->id, std::move(t));
    ref.session->start(std::chrono::steady_clock::now(), ref.out);
    flush(ref);
    armTimer(ref);
    waitTransfer(ref);
}

void TftpService::Impl::waitTransfer(Transfer& t) {
    std::weak_ptr<Impl> weak = shared_from_this();
    uint64_t id = t.id;
    t.socket.async_wait(udp::socket::wait_read, [weak, id](const boost::system::error_code& ec) {
        auto self = weak.lock();
        if (!self || ec || self->stopped_)
            return;
        self->readTransfer(id);
    });
}

void TftpService::Impl::readTransfer(uint64_t id) {
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

void TftpService::Impl::flush(Transfer& t) {
    if (t.waiting_write)
        return;  // the writable wait resumes at out_pos
    int fd = t.socket.native_handle();
    while (t.out_pos < t.out.size()) {
        std::array<mmsghdr, kBatch> msgs;
        std::array<std::array<iovec, 2>, kBatch> iovs;
        size_t count = std::min(kBatch, t.out.size() - t.out_pos);
        for (size_t i = 0; i < count; ++i) {
            Datagram& d = t.out[t.out_pos + i];
            std::memset(&msgs[i], 0, sizeof msgs[i]);
            if (d.isData()) {
                iovs[i][0] = {d.header.data(), d.header.size()};
                iovs[i][1] = {const_cast<uint8_t*>(d.payload.data()), d.payload.size()};
                msgs[i].msg_hdr.msg_iovlen = d.payload.empty() ? 1 : 2;
            } else {
                iovs[i][0] = {d.control.data(), d.control.size()};
                msgs[i].msg_hdr.msg_iovlen = 1;
            }
            msgs[i].msg_hdr.msg_iov = iovs[i].data();
        }
        int sent = ::sendmmsg(fd, msgs.data(), static_cast<unsigned>(count), MSG_DONTWAIT);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                // Socket buffer full: resume when writable instead of dropping the window.
                t.waiting_write = true;
                std::weak_ptr<Impl> weak = shared_from_this();
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

void TftpService::Impl::armTimer(Transfer& t) {
    TimePoint deadline = t.session->deadline();
    if (t.timer_pending && t.timer_at <= deadline)
        return;  // fires early, re-arms then
    t.timer_pending = true;
    t.timer_at = deadline;
    t.timer.expires_at(deadline);
    std::weak_ptr<Impl> weak = shared_from_this();
    uint64_t id = t.id;
    t.timer.async_wait([weak, id](const boost::system::error_code& ec) {
        auto self = weak.lock();
        if (!self || ec || self->stopped_)
            return;
        self->onTimer(id);
    });
}

void TftpService::Impl::onTimer(uint64_t id) {
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

void TftpService::Impl::finish(Transfer& t) {
    const Session& s = *t.session;
    long long ms = msSince(t.started);
    uint64_t bytes = s.stats().bytes_acked;
    stats_.bytes += bytes;
    std::string detail = "file=" + t.file + " bytes=" + std::to_string(bytes) +
                         " duration_ms=" + std::to_string(ms) +
                         " retransmits=" + std::to_string(s.stats().retransmitted);
    if (s.state() == SessionState::Done) {
        ++stats_.completed;
        VQ_LOG_INFO("TFTP_DONE client={} {}", t.client.toString(), detail);
        record(t.client, "TFTP_DONE", detail);
    } else {
        ++stats_.failed;
        VQ_LOG_WARN("TFTP_FAILED client={} {} reason={}", t.client.toString(), detail, s.failure());
        record(t.client, "TFTP_FAILED", detail + " reason=" + s.failure());
    }
    boost::system::error_code ec;
    t.socket.close(ec);
    t.timer.cancel();
    transfers_.erase(t.id);  // `t` is gone after this line
}

TftpService::TftpService(asio::io_context& io, TftpServiceConfig config, EventSink& events)
    : impl_(std::make_shared<Impl>(io, std::move(config), nullptr, events)) {}

TftpService::TftpService(asio::io_context& io,
                         TftpServiceConfig config,
                         FileSource& files,
                         EventSink& events)
    : impl_(std::make_shared<Impl>(io, std::move(config), &files, events)) {}

TftpService::~TftpService() {
    impl_->stop();
}

Status TftpService::start() {
    return impl_->start();
}
void TftpService::stop() {
    impl_->stop();
}
uint16_t TftpService::port() const {
    return impl_->port();
}
TftpStats TftpService::stats() const {
    return impl_->stats();
}

}  // namespace vq::tftp
