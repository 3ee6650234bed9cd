#include "tftp/server/tftp_service.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <unordered_map>

#include <boost/asio/ip/udp.hpp>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "base/log_budget.h"
#include "tftp/core/admission.h"
#include "tftp/core/session.h"
#include "tftp/server/transfer_worker.h"

namespace vq::tftp {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

constexpr size_t kMaxDatagram = 65536;
constexpr size_t kBatch = 64;  // requests read per wake-up
// Receive buffer of the request socket: a few hundred machines powered on together send their
// requests within a millisecond, more than the default buffer holds if the loop is busy.
constexpr int kListenerBuffer = 4 << 20;

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
    ~Impl() { stop(); }

    Status start();
    void stop();
    uint16_t port() const { return port_; }
    TftpStats stats() const {
        TftpStats s;
        s.started = counters_.started;
        s.completed = counters_.completed;
        s.failed = counters_.failed;
        s.size_probes = counters_.size_probes;
        s.refused = counters_.refused;
        s.active = counters_.active;
        s.bytes = counters_.bytes;
        s.duration = counters_.duration.snapshot();
        return s;
    }

private:
    void waitRequest();
    void readRequests();
    void handleRequest(std::span<const uint8_t> bytes, const sockaddr_in& from, uint32_t local);
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
    TransferCounters counters_;
    LogBudget log_budget_{"TFTP_REFUSED/TFTP_BUSY", 20};
    std::vector<std::shared_ptr<TransferWorker>> workers_;
    size_t next_worker_ = 0;
    std::unordered_map<uint32_t, uint16_t> block_limits_;  // by local address
    std::vector<uint8_t> rx_ = std::vector<uint8_t>(kMaxDatagram);
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
    // Best effort: SO_RCVBUFFORCE passes the rmem_max cap when privileged.
    int buffer = kListenerBuffer;
    if (::setsockopt(listener_.native_handle(), SOL_SOCKET, SO_RCVBUFFORCE, &buffer,
                     sizeof buffer) != 0) {
        ::setsockopt(listener_.native_handle(), SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    }
    port_ = listener_.local_endpoint(ec).port();
    if (workers_.empty()) {
        if (config_.transfer_threads == 0) {
            workers_.push_back(std::make_shared<TransferWorker>(&io_, events_, counters_,
                                                                config_.segmentation_offload));
        }
        for (unsigned i = 0; i < config_.transfer_threads; ++i) {
            workers_.push_back(std::make_shared<TransferWorker>(nullptr, events_, counters_,
                                                                config_.segmentation_offload));
            workers_.back()->startThread();
        }
    }
    VQ_LOG_INFO("TFTP_LISTEN addr={} port={} root={} transfer_threads={} gso={}",
                config_.bind_address, port_, config_.files.root.string(), config_.transfer_threads,
                config_.segmentation_offload ? "on" : "off");
    waitRequest();
    return Status::ok();
}

void TftpService::Impl::stop() {
    stopped_ = true;
    boost::system::error_code ec;
    listener_.close(ec);
    for (auto& w : workers_)
        w->stop();
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
    if (counters_.active >= config_.max_transfers) {
        ++counters_.refused;
        if (log_budget_.take())
            VQ_LOG_WARN("TFTP_BUSY client={} active={}", client.toString(),
                        counters_.active.load());
        reply(encodeError(ErrorCode::NotDefined, "server busy"));
        return;
    }
    SessionLimits limits = config_.limits;
    limits.max_block_size = blockLimitFor(local);
    Admission a = admit(bytes, *files_, limits);
    std::string file = a.request ? sanitize(a.request->filename) : std::string("-");
    if (!a.accepted()) {
        if (a.reply) {
            ++counters_.refused;
            // A flood of bad requests must not become a flood of log lines and events.
            if (log_budget_.take()) {
                VQ_LOG_WARN("TFTP_REFUSED client={} file={} error={} reason={}", client.toString(),
                            file, static_cast<int>(a.error), a.reason);
                record(client, "TFTP_REFUSED",
                       "file=" + file + " error=" + std::to_string(static_cast<int>(a.error)) +
                           " (" + std::string(errorCodeName(a.error)) + ") reason=" + a.reason);
            }
            reply(*a.reply);
        }
        return;
    }
    // The per-client bound holds once half the table is taken: a load generator behind one
    // address still runs hundreds of transfers, and a flood from one address still leaves
    // the other half to everyone else.
    const bool crowded = counters_.active >= config_.max_transfers / 2;
    if (!counters_.admitClient(client.value(),
                               crowded ? config_.max_transfers_per_client : SIZE_MAX)) {
        ++counters_.refused;
        if (log_budget_.take())
            VQ_LOG_WARN("TFTP_BUSY client={} reason=per_client_limit limit={}", client.toString(),
                        config_.max_transfers_per_client);
        reply(encodeError(ErrorCode::NotDefined, "too many transfers from this client"));
        return;
    }
    // Round robin: transfers are alike enough (same few files) that load evens out.
    TransferWorker& worker = *workers_[next_worker_++ % workers_.size()];
    auto t = std::make_unique<Transfer>(worker.io());
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
        counters_.releaseClient(client.value());
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
    ++counters_.started;
    ++counters_.active;
    VQ_LOG_INFO("TFTP_START client={} file={} size={} blksize={} windowsize={} options={}",
                client.toString(), file, t->session->fileSize(), n.block_size, n.window_size,
                n.oack.size());
    record(client, "TFTP_START",
           "file=" + file + " tsize=" + std::to_string(t->session->fileSize()) + " blksize=" +
               std::to_string(n.block_size) + " windowsize=" + std::to_string(n.window_size));
    worker.adopt(std::move(t));
}

unsigned TftpServiceConfig::defaultTransferThreads() {
    return std::clamp(2 * std::thread::hardware_concurrency(), 4u, 16u);
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
