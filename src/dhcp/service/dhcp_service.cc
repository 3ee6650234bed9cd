#include "dhcp/service/dhcp_service.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "base/log.h"
#include "net/interfaces.h"

namespace vq::dhcp {
namespace {

constexpr int kDrainBatch = 64;  // datagrams per socket per wake-up, so no socket starves
// Requests read per system call (recvmmsg) and replies sent per call (sendmmsg).
constexpr size_t kRecvBatch = 32;
constexpr size_t kSendBatch = 64;
const Ipv4 kBroadcast(0xffffffffu);

}  // namespace

// Buffers of the request socket's batches, made once (service thread only).
struct DhcpService::Batch {
    std::vector<std::array<uint8_t, kMaxDatagram>> bufs =
        std::vector<std::array<uint8_t, kMaxDatagram>>(kRecvBatch);
    std::vector<net::RecvSlot> slots = std::vector<net::RecvSlot>(kRecvBatch);
    // Encoded replies waiting to go.
    std::vector<std::vector<uint8_t>> wires = std::vector<std::vector<uint8_t>>(kSendBatch);
    std::vector<net::SendItem> out;
    // Slots offered to the next read: twice the last batch, at least 4, so that a quiet
    // socket does not pay for setting up 32 message headers per datagram.
    size_t want = 4;
    Batch() {
        for (size_t i = 0; i < kRecvBatch; ++i)
            slots[i].buf = bufs[i];
        out.reserve(kSendBatch);
    }
};

struct DhcpService::Link {
    std::string name;
    int ifindex = 0;
    std::vector<Cidr> addresses;
    net::UdpSocket server;    // :67
    net::UdpSocket pxe;       // :4011 (proxy mode)
    net::UdpSocket overhear;  // :68 (rogue detector and probe)
    std::optional<RogueProbe> probe;
};

DhcpService::DhcpService(DhcpServiceConfig config,
                         const HostDirectory& directory,
                         EventSink& events,
                         const Clock& clock)
    : config_(std::move(config)),
      events_(events),
      clock_(clock),
      server_(config_.server, directory),
      detector_(config_.server.mode, directory, clock),
      batch_(std::make_unique<Batch>()) {}

DhcpService::~DhcpService() {
    stop();
}

Status DhcpService::start() {
    if (thread_.joinable())
        return Status::error("DHCP service already started");
    if (config_.interfaces.empty())
        return Status::error("DHCP: no interfaces to serve");
    for (const std::string& name : config_.interfaces) {
        auto info = net::findInterface(name);
        if (!info)
            return Status::error("DHCP: " + info.message());
        auto link = std::make_unique<Link>();
        link->name = name;
        link->ifindex = info->index;
        link->addresses = info->addresses;
        net::UdpOptions o;
        o.port = config_.server_port;
        o.device = name;
        o.broadcast = true;
        o.reuse_address = true;
        o.receive_buffer = 4 << 20;
        o.send_buffer = 4 << 20;
        auto s = net::UdpSocket::open(o);
        if (!s)
            return Status::error("DHCP on " + name + ": " + s.message());
        link->server = std::move(*s);
        if (config_.server.mode == Mode::Proxy) {
            o.port = config_.pxe_port;
            auto p = net::UdpSocket::open(o);
            if (!p)
                return Status::error("DHCP on " + name + ": " + p.message());
            link->pxe = std::move(*p);
        }
        if (config_.detect_rogue) {
            o.port = config_.client_port;
            o.receive_buffer = 0;
            o.send_buffer = 0;
            auto h = net::UdpSocket::open(o);
            if (h) {
                link->overhear = std::move(*h);
            } else {
                VQ_LOG_WARN("DHCP_DETECTOR_OFF iface={} error=\"{}\"", name, h.message());
            }
        }
        if (config_.rogue_probe_seconds > 0) {
            if (link->overhear.isOpen()) {
                link->probe.emplace(config_.server.mode, probeMac(info->mac, name),
                                    std::chrono::seconds(config_.rogue_probe_seconds));
                VQ_LOG_INFO("DHCP_PROBE_ON iface={} mac={} every={}s", name,
                            link->probe->mac().toString(), config_.rogue_probe_seconds);
            } else {
                VQ_LOG_WARN("DHCP_PROBE_OFF iface={} reason=\"no socket on the client port\"",
                            name);
            }
        }
        VQ_LOG_INFO("DHCP_LISTEN iface={} mode={} port={}", name,
                    config_.server.mode == Mode::Server ? "server" : "proxy", config_.server_port);
        links_.push_back(std::move(link));
    }
    refreshAddresses();
    wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd_ < 0)
        return Status::error("DHCP: eventfd failed");
    stop_ = false;
    thread_ = std::thread([this] { run(); });
    return Status::ok();
}

void DhcpService::stop() {
    if (!thread_.joinable())
        return;
    stop_ = true;
    uint64_t one = 1;
    if (::write(wake_fd_, &one, sizeof one) < 0) {
        // The poll timeout wakes the thread anyway.
    }
    thread_.join();
    ::close(wake_fd_);
    wake_fd_ = -1;
    links_.clear();
}

DhcpServiceStats DhcpService::stats() const {
    DhcpServiceStats s;
    s.received = received_.load();
    s.decode_errors = decode_errors_.load();
    s.replies_sent = sent_.load();
    s.send_errors = send_errors_.load();
    s.rogue_sightings = rogue_.load();
    s.rogue_probes = probes_.load();
    s.replies_trimmed = trimmed_.load();
    s.replies_too_large = too_large_.load();
    for (size_t i = 0; i < static_cast<size_t>(DropReason::Count); ++i) {
        auto r = static_cast<DropReason>(i);
        if (uint64_t n = server_.drops(r))
            s.drops[dropReasonName(r)] = n;
    }
    for (size_t i = 0; i < requests_by_type_.size(); ++i) {
        const std::string name = i == 0 ? "BOOTP" : messageTypeName(static_cast<MessageType>(i));
        if (uint64_t n = requests_by_type_[i].load())
            s.requests[name] = n;
        if (uint64_t n = replies_by_type_[i].load())
            s.replies[name] = n;
    }
    return s;
}

namespace {
size_t typeIndex(const Packet& p) {
    const auto t = p.messageType();
    const auto i = t ? static_cast<size_t>(*t) : 0;
    return i < 9 ? i : 0;
}
}  // namespace

void DhcpService::refreshAddresses() {
    // Addresses may change while the agent runs (DHCP on the agent's own uplink, an
    // operator adding an alias); re-read them every few seconds, never per packet.
    auto all = net::listInterfaces();
    if (!all)
        return;
    std::vector<Ipv4> own;
    for (auto& link : links_) {
        for (const auto& info : *all) {
            if (info.name == link->name)
                link->addresses = info.addresses;
        }
        for (const Cidr& c : link->addresses)
            own.push_back(c.address());
    }
    own_addresses_ = own;
    detector_.setOwnAddresses(std::move(own));
    next_refresh_ = clock_.now() + std::chrono::seconds(5);
}

void DhcpService::run() {
    struct Watch {
        Link* link;
        net::UdpSocket* sock;
        uint16_t port;
        bool overhear;
    };
    std::vector<Watch> watches;
    std::vector<pollfd> fds;
    fds.push_back({wake_fd_, POLLIN, 0});
    for (auto& link : links_) {
        watches.push_back({link.get(), &link->server, kServerPort, false});
        if (link->pxe.isOpen())
            watches.push_back({link.get(), &link->pxe, kPxePort, false});
        if (link->overhear.isOpen()) {
            watches.push_back({link.get(), &link->overhear, kClientPort, true});
        }
    }
    for (const Watch& w : watches)
        fds.push_back({w.sock->fd(), POLLIN, 0});
    while (!stop_) {
        int n = ::poll(fds.data(), fds.size(), 500);
        if (stop_)
            break;
        const TimePoint now = clock_.now();
        if (now >= next_refresh_)
            refreshAddresses();
        if (config_.rogue_probe_seconds > 0)
            probeDue(now);
        if (n <= 0)
            continue;
        for (size_t i = 0; i < watches.size(); ++i) {
            if ((fds[i + 1].revents & POLLIN) == 0)
                continue;
            const Watch& w = watches[i];
            if (w.overhear) {
                onOverheard(*w.link);
            } else {
                onRequest(*w.link, *w.sock, w.port);
            }
        }
    }
}

void DhcpService::dump(std::span<const uint8_t> data, const net::RecvInfo& info) {
    std::string path = config_.dump_dir + "/" + std::to_string(++dump_seq_) + "_" +
                       info.source.toString() + ".hex";
    std::ofstream out(path);
    static const char* kHex = "0123456789abcdef";
    for (size_t i = 0; i < data.size(); ++i) {
        out << kHex[data[i] >> 4] << kHex[data[i] & 15] << ((i % 32 == 31) ? "\n" : "");
    }
    out << "\n";
}

void DhcpService::onRequest(Link& link, net::UdpSocket& sock, uint16_t local_port) {
    Batch& batch = *batch_;
    // Kept across the batch: the interface's addresses are copied into the request's
    // metadata once, not once per datagram.
    RecvMeta meta;
    meta.local_port = local_port;
    meta.interface_addresses = link.addresses;
    const bool debug = spdlog::should_log(spdlog::level::debug);
    for (size_t done = 0; done < static_cast<size_t>(kDrainBatch);) {
        const size_t want = batch.want;
        auto got = sock.receiveBatch(std::span(batch.slots).first(want));
        if (!got || *got == 0)
            return;
        for (size_t i = 0; i < *got; ++i) {
            const net::RecvInfo& info = batch.slots[i].info;
            received_.fetch_add(1, std::memory_order_relaxed);
            std::span<const uint8_t> data(batch.bufs[i].data(), info.size);
            if (!config_.dump_dir.empty())
                dump(data, info);
            auto packet = decode(data);
            if (!packet) {
                decode_errors_.fetch_add(1, std::memory_order_relaxed);
                if (debug) {
                    VQ_LOG_DEBUG("DHCP_DECODE_ERROR iface={} from={} error=\"{}\"", link.name,
                                 info.source.toString(), packet.message());
                }
                continue;
            }
            requests_by_type_[typeIndex(*packet)].fetch_add(1, std::memory_order_relaxed);
            meta.ifindex = info.ifindex != 0 ? info.ifindex : link.ifindex;
            meta.source = info.source;
            meta.source_port = info.source_port;
            meta.local = info.local;
            Exchange e = server_.exchange(*packet, meta);
            if (e.drop && debug) {
                VQ_LOG_DEBUG("DHCP_DROP reason={} iface={} mac={} xid={:#x}",
                             dropReasonName(*e.drop), link.name, packet->mac().toString(),
                             packet->xid);
            }
            if (e.unknown_arch) {
                VQ_LOG_WARN("DHCP_UNKNOWN_ARCH iface={} {}", link.name, e.detail);
            }
            for (const Reply& r : e.replies)
                queueReply(link, sock, r);
            if (!e.kind.empty() && e.lease) {
                if (debug)
                    VQ_LOG_DEBUG("{} iface={} {}", e.kind, link.name, e.detail);
                HostEvent ev;
                ev.mac = e.lease->mac;
                ev.ip = e.lease->ip;
                ev.source = "dhcp";
                ev.kind = std::move(e.kind);
                ev.detail = std::move(e.detail);
                ev.detail += " iface=";
                ev.detail += link.name;
                events_.record(std::move(ev));
            }
        }
        flushReplies(link, sock);
        done += *got;
        batch.want = std::clamp<size_t>(2 * *got, 4, kRecvBatch);
        if (*got < want)
            return;  // drained: poll() says when more arrives, without an empty read
    }
}

void DhcpService::queueReply(Link& link, net::UdpSocket& sock, const Reply& reply) {
    Batch& batch = *batch_;
    if (batch.out.size() == batch.wires.size())
        flushReplies(link, sock);
    std::vector<uint8_t>& wire = batch.wires[batch.out.size()];
    const EncodeResult fit = encodeTo(reply.packet, wire, reply.max_size);
    if (!fit.ok || fit.trimmed()) {
        // A reply larger than the client accepts is silently ignored by it: the machine
        // just does not boot. Say which options the subnet must shed.
        (fit.ok ? trimmed_ : too_large_).fetch_add(1, std::memory_order_relaxed);
        VQ_LOG_WARN("{} iface={} mac={} limit={} dropped={}",
                    fit.ok ? "DHCP_TRIMMED" : "DHCP_TOO_LARGE", link.name,
                    reply.packet.mac().toString(), reply.max_size + kIpUdpOverhead,
                    fit.droppedList());
        if (!fit.ok)
            return;
    }
    Ipv4 dst = reply.destination;
    if (reply.needs_neighbor) {
        // The client has no address yet and did not ask for a broadcast: teach the kernel
        // its MAC so the unicast reaches it, as RFC 2131 4.1 expects; broadcast otherwise.
        if (!net::addArpEntry(sock.fd(), link.name, dst, reply.packet.mac()))
            dst = kBroadcast;
    }
    uint16_t port = reply.port;
    if (port == kClientPort)
        port = config_.client_port;
    if (port == kServerPort)
        port = config_.server_port;
    replies_by_type_[typeIndex(reply.packet)].fetch_add(1, std::memory_order_relaxed);
    batch.out.push_back(net::SendItem{wire, dst, port, reply.ifindex, reply.source});
}

void DhcpService::flushReplies(Link& link, net::UdpSocket& sock) {
    Batch& batch = *batch_;
    if (batch.out.empty())
        return;
    size_t failed = 0;
    std::string error;
    size_t sent = sock.sendBatch(batch.out, failed, error);
    sent_.fetch_add(sent, std::memory_order_relaxed);
    if (failed != 0) {
        send_errors_.fetch_add(failed, std::memory_order_relaxed);
        VQ_LOG_WARN("DHCP_SEND_ERROR iface={} failed={} error=\"{}\"", link.name, failed, error);
    }
    batch.out.clear();
}

void DhcpService::onOverheard(Link& link) {
    std::array<uint8_t, kMaxDatagram> buf;
    for (int i = 0; i < kDrainBatch; ++i) {
        auto got = link.overhear.receive(buf);
        if (!got || got->would_block)
            return;
        auto packet = decode(std::span<const uint8_t>(buf.data(), got->size));
        if (!packet)
            continue;
        if (link.probe) {
            if (auto p = link.probe->match(*packet, got->source, own_addresses_, clock_.now())) {
                onProbeAnswered(link, *p);
                continue;
            }
        }
        auto s = detector_.observe(*packet, got->source);
        if (!s)
            continue;
        rogue_.fetch_add(1, std::memory_order_relaxed);
        if (!s->first)
            continue;
        VQ_LOG_WARN(
            "DHCP_ROGUE_SERVER iface={} server={} mac={} host={} type={} offered={} expected={}",
            link.name, s->server.toString(), s->mac.toString(), s->host_name,
            messageTypeName(s->type), s->offered.toString(), s->expected.toString());
        HostEvent ev;
        ev.mac = s->mac;
        ev.ip = s->offered;
        ev.source = "dhcp";
        ev.kind = "DHCP_ROGUE_SERVER";
        ev.detail = "server=" + s->server.toString() + " offered=" + s->offered.toString() +
                    " expected=" + s->expected.toString() + " iface=" + link.name;
        events_.record(std::move(ev));
    }
}

void DhcpService::onProbeAnswered(Link& link, const ProbeSighting& s) {
    rogue_.fetch_add(1, std::memory_order_relaxed);
    if (!s.first)
        return;
    VQ_LOG_WARN("DHCP_ROGUE_SERVER server={} probe=1 iface={} offered={} probe_mac={}",
                s.server.toString(), link.name, s.offered.toString(), s.probe_mac.toString());
    // A site-level event: no MAC or address, so it lands on no host's timeline (the probe
    // MAC is not a host, and the offered address may well be one's).
    HostEvent ev;
    ev.source = "dhcp";
    ev.kind = "DHCP_ROGUE_SERVER";
    ev.detail = "server=" + s.server.toString() + " probe=1 offered=" + s.offered.toString() +
                " probe_mac=" + s.probe_mac.toString() + " iface=" + link.name;
    events_.record(std::move(ev));
}

void DhcpService::probeDue(TimePoint now) {
    for (auto& link : links_) {
        if (!link->probe || now < link->probe->nextProbe())
            continue;
        auto discover = link->probe->due(now, static_cast<uint32_t>(xids_()));
        if (!discover)
            continue;
        std::vector<uint8_t> wire = encode(*discover);
        Status st = link->overhear.sendTo(wire, kBroadcast, config_.server_port, link->ifindex);
        if (!st) {
            VQ_LOG_WARN("DHCP_PROBE_ERROR iface={} error=\"{}\"", link->name, st.message());
            continue;
        }
        probes_.fetch_add(1, std::memory_order_relaxed);
        VQ_LOG_DEBUG("DHCP_PROBE iface={} mac={} xid={:#x}", link->name,
                     link->probe->mac().toString(), discover->xid);
    }
}

}  // namespace vq::dhcp
