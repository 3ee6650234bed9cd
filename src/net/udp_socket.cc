#include "net/udp_socket.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace vq::net {
namespace {

std::string sysError(const char* what) {
    return std::string(what) + ": " + std::strerror(errno);
}

sockaddr_in toSockaddr(Ipv4 ip, uint16_t port) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(ip.value());
    return sa;
}

Status setInt(int fd, int level, int name, int value, const char* what) {
    if (setsockopt(fd, level, name, &value, sizeof value) != 0)
        return Status::error(sysError(what));
    return Status::ok();
}

}  // namespace

UdpSocket::~UdpSocket() {
    close();
}

UdpSocket::UdpSocket(UdpSocket&& other) noexcept : fd_(other.fd_) {
    other.fd_ = -1;
}

UdpSocket& UdpSocket::operator=(UdpSocket&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

void UdpSocket::close() {
    if (fd_ >= 0)
        ::close(fd_);
    fd_ = -1;
}

Result<UdpSocket> UdpSocket::open(const UdpOptions& options) {
    int flags = SOCK_DGRAM | SOCK_CLOEXEC | (options.nonblocking ? SOCK_NONBLOCK : 0);
    int fd = ::socket(AF_INET, flags, 0);
    if (fd < 0)
        return Result<UdpSocket>::error(sysError("socket"));
    UdpSocket sock(fd);
    if (Status st = setInt(fd, IPPROTO_IP, IP_PKTINFO, 1, "IP_PKTINFO"); !st)
        return st;
    if (options.broadcast)
        if (Status st = setInt(fd, SOL_SOCKET, SO_BROADCAST, 1, "SO_BROADCAST"); !st)
            return st;
    if (options.reuse_address)
        if (Status st = setInt(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR"); !st)
            return st;
    if (options.receive_buffer > 0) {
        if (Status st = setInt(fd, SOL_SOCKET, SO_RCVBUF, options.receive_buffer, "SO_RCVBUF"); !st)
            return st;
    }
    if (options.send_buffer > 0) {
        if (Status st = setInt(fd, SOL_SOCKET, SO_SNDBUF, options.send_buffer, "SO_SNDBUF"); !st)
            return st;
    }
    if (!options.device.empty()) {
        if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, options.device.c_str(),
                       static_cast<socklen_t>(options.device.size())) != 0) {
            return Result<UdpSocket>::error(
                sysError(("SO_BINDTODEVICE " + options.device).c_str()));
        }
    }
    sockaddr_in sa = toSockaddr(options.bind_address, options.port);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
        return Result<UdpSocket>::error(sysError(
            ("bind " + options.bind_address.toString() + ":" + std::to_string(options.port))
                .c_str()));
    }
    return sock;
}

uint16_t UdpSocket::localPort() const {
    sockaddr_in sa{};
    socklen_t len = sizeof sa;
    if (getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len) != 0)
        return 0;
    return ntohs(sa.sin_port);
}

Result<RecvInfo> UdpSocket::receive(std::span<uint8_t> buf) {
    RecvInfo info;
    sockaddr_in src{};
    iovec iov{buf.data(), buf.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo))];
    msghdr msg{};
    msg.msg_name = &src;
    msg.msg_namelen = sizeof src;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(fd_, &msg, 0);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            info.would_block = true;
            return info;
        }
        return Result<RecvInfo>::error(sysError("recvmsg"));
    }
    info.size = static_cast<size_t>(n);
    info.source = Ipv4(ntohl(src.sin_addr.s_addr));
    info.source_port = ntohs(src.sin_port);
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            in_pktinfo pi{};
            std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
            info.ifindex = pi.ipi_ifindex;
            info.local = Ipv4(ntohl(pi.ipi_spec_dst.s_addr));
            info.destination = Ipv4(ntohl(pi.ipi_addr.s_addr));
        }
    }
    return info;
}

Status UdpSocket::sendTo(
    std::span<const uint8_t> data, Ipv4 dst, uint16_t port, int ifindex, Ipv4 source) {
    sockaddr_in sa = toSockaddr(dst, port);
    iovec iov{const_cast<uint8_t*>(data.data()), data.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo))]{};
    msghdr msg{};
    msg.msg_name = &sa;
    msg.msg_namelen = sizeof sa;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (ifindex > 0 || !source.isZero()) {
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        cmsghdr* c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = IPPROTO_IP;
        c->cmsg_type = IP_PKTINFO;
        c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
        in_pktinfo pi{};
        pi.ipi_ifindex = ifindex;
        pi.ipi_spec_dst.s_addr = htonl(source.value());
        std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
    }
    if (::sendmsg(fd_, &msg, 0) < 0)
        return Status::error(sysError("sendmsg"));
    return Status::ok();
}

namespace {

// Fills a sendmsg header for one item; control must hold CMSG_SPACE(sizeof(in_pktinfo)).
void prepareSend(const SendItem& item, sockaddr_in& sa, iovec& iov, char* control, msghdr& msg) {
    sa = toSockaddr(item.dst, item.port);
    iov = iovec{const_cast<uint8_t*>(item.data.data()), item.data.size()};
    msg = msghdr{};
    msg.msg_name = &sa;
    msg.msg_namelen = sizeof sa;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (item.ifindex > 0 || !item.source.isZero()) {
        std::memset(control, 0, CMSG_SPACE(sizeof(in_pktinfo)));
        msg.msg_control = control;
        msg.msg_controllen = CMSG_SPACE(sizeof(in_pktinfo));
        cmsghdr* c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = IPPROTO_IP;
        c->cmsg_type = IP_PKTINFO;
        c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
        in_pktinfo pi{};
        pi.ipi_ifindex = item.ifindex;
        pi.ipi_spec_dst.s_addr = htonl(item.source.value());
        std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
    }
}

constexpr size_t kMaxBatch = 64;  // per system call; larger batches are split

}  // namespace

Result<size_t> UdpSocket::receiveBatch(std::span<RecvSlot> slots) {
    const size_t n = std::min(slots.size(), kMaxBatch);
    // Left uninitialised: only the first n entries are set and used (no 4 KiB memset for
    // every call when most calls carry one datagram).
    std::array<mmsghdr, kMaxBatch> msgs;
    std::array<sockaddr_in, kMaxBatch> srcs;
    std::array<iovec, kMaxBatch> iovs;
    struct alignas(cmsghdr) Control {
        char bytes[CMSG_SPACE(sizeof(in_pktinfo))];
    };
    std::array<Control, kMaxBatch> controls;
    for (size_t i = 0; i < n; ++i) {
        iovs[i] = iovec{slots[i].buf.data(), slots[i].buf.size()};
        msgs[i].msg_len = 0;
        msghdr& m = msgs[i].msg_hdr;
        m = msghdr{};
        m.msg_name = &srcs[i];
        m.msg_namelen = sizeof srcs[i];
        m.msg_iov = &iovs[i];
        m.msg_iovlen = 1;
        m.msg_control = controls[i].bytes;
        m.msg_controllen = sizeof controls[i].bytes;
    }
    int got = ::recvmmsg(fd_, msgs.data(), static_cast<unsigned>(n), MSG_DONTWAIT, nullptr);
    if (got < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return size_t{0};
        return Result<size_t>::error(sysError("recvmmsg"));
    }
    for (int i = 0; i < got; ++i) {
        RecvInfo& info = slots[i].info;
        info = RecvInfo{};
        info.size = msgs[i].msg_len;
        info.source = Ipv4(ntohl(srcs[i].sin_addr.s_addr));
        info.source_port = ntohs(srcs[i].sin_port);
        msghdr& m = msgs[i].msg_hdr;
        for (cmsghdr* c = CMSG_FIRSTHDR(&m); c != nullptr; c = CMSG_NXTHDR(&m, c)) {
            if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
                in_pktinfo pi{};
                std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
                info.ifindex = pi.ipi_ifindex;
                info.local = Ipv4(ntohl(pi.ipi_spec_dst.s_addr));
                info.destination = Ipv4(ntohl(pi.ipi_addr.s_addr));
            }
        }
    }
    return static_cast<size_t>(got);
}

size_t UdpSocket::sendBatch(std::span<const SendItem> items,
                            size_t& failed,
                            std::string& first_error) {
    size_t sent = 0;
    size_t next = 0;
    // Only the entries of each call are set (prepareSend fills them whole).
    std::array<mmsghdr, kMaxBatch> msgs;
    std::array<sockaddr_in, kMaxBatch> addrs;
    std::array<iovec, kMaxBatch> iovs;
    struct alignas(cmsghdr) Control {
        char bytes[CMSG_SPACE(sizeof(in_pktinfo))];
    };
    std::array<Control, kMaxBatch> controls;
    while (next < items.size()) {
        const size_t n = std::min(items.size() - next, kMaxBatch);
        for (size_t i = 0; i < n; ++i) {
            prepareSend(items[next + i], addrs[i], iovs[i], controls[i].bytes, msgs[i].msg_hdr);
            msgs[i].msg_len = 0;
        }
        int done = ::sendmmsg(fd_, msgs.data(), static_cast<unsigned>(n), 0);
        if (done > 0) {
            sent += static_cast<size_t>(done);
            next += static_cast<size_t>(done);
            continue;
        }
        if (done < 0 && errno == EINTR)
            continue;
        // The first remaining item failed: note it and go on with the rest.
        if (failed++ == 0)
            first_error = sysError("sendmmsg");
        ++next;
    }
    return sent;
}

Status addArpEntry(int fd, const std::string& device, Ipv4 ip, const MacAddr& mac) {
    arpreq req{};
    auto* pa = reinterpret_cast<sockaddr_in*>(&req.arp_pa);
    pa->sin_family = AF_INET;
    pa->sin_addr.s_addr = htonl(ip.value());
    req.arp_ha.sa_family = ARPHRD_ETHER;
    std::memcpy(req.arp_ha.sa_data, mac.bytes().data(), 6);
    req.arp_flags = ATF_COM;
    std::strncpy(req.arp_dev, device.c_str(), sizeof(req.arp_dev) - 1);
    if (ioctl(fd, SIOCSARP, &req) != 0)
        return Status::error(sysError("SIOCSARP"));
    return Status::ok();
}

}  // namespace vq::net
