#pragma once
// UDP sockets for services that must know, and choose, the interface of every datagram:
// IP_PKTINFO on receive (which interface and local address a request arrived on) and on
// send (which interface and source address a reply leaves from), SO_BINDTODEVICE to serve
// only the interfaces a service was told to serve. The only socket code in the project.
#include <cstdint>
#include <span>
#include <string>

#include "base/ipv4.h"
#include "base/mac_addr.h"
#include "base/result.h"

namespace vq::net {

struct UdpOptions {
    Ipv4 bind_address;   // 0.0.0.0 = any; broadcast receivers must bind to any
    uint16_t port = 0;   // 0 = ephemeral
    std::string device;  // SO_BINDTODEVICE when not empty
    bool broadcast = false;
    bool reuse_address = false;
    bool nonblocking = true;
    int receive_buffer = 0;  // SO_RCVBUF bytes when > 0
    int send_buffer = 0;     // SO_SNDBUF bytes when > 0
};

struct RecvInfo {
    size_t size = 0;
    bool would_block = false;  // nothing was waiting (non-blocking sockets)
    Ipv4 source;
    uint16_t source_port = 0;
    Ipv4 destination;  // header destination (255.255.255.255 for broadcasts)
    Ipv4 local;        // the local address the datagram is for (the interface's address)
    int ifindex = 0;   // interface it arrived on
};

// One slot of a batched receive: the caller's buffer in, what arrived in it out.
struct RecvSlot {
    std::span<uint8_t> buf;
    RecvInfo info;
};

// One datagram of a batched send, addressed as sendTo() addresses it.
struct SendItem {
    std::span<const uint8_t> data;
    Ipv4 dst;
    uint16_t port = 0;
    int ifindex = 0;
    Ipv4 source;
};

class UdpSocket {
public:
    UdpSocket() = default;
    ~UdpSocket();
    UdpSocket(UdpSocket&& other) noexcept;
    UdpSocket& operator=(UdpSocket&& other) noexcept;
    UdpSocket(const UdpSocket&) = delete;
    UdpSocket& operator=(const UdpSocket&) = delete;

    static Result<UdpSocket> open(const UdpOptions& options);

    int fd() const { return fd_; }
    bool isOpen() const { return fd_ >= 0; }
    uint16_t localPort() const;

    // One datagram into buf (truncated to buf's size).
    Result<RecvInfo> receive(std::span<uint8_t> buf);
    // Sends to dst:port. With ifindex > 0 the datagram leaves that interface, with the given
    // source address when it is not zero (IP_PKTINFO); broadcasts need ifindex.
    Status sendTo(std::span<const uint8_t> data,
                  Ipv4 dst,
                  uint16_t port,
                  int ifindex = 0,
                  Ipv4 source = Ipv4());
    // Up to slots.size() datagrams in one system call (recvmmsg), without waiting: the
    // number received, 0 when nothing was waiting. A server under load reads its backlog
    // in batches instead of paying a system call per datagram.
    Result<size_t> receiveBatch(std::span<RecvSlot> slots);
    // Sends every item (sendmmsg, as many per call as the kernel takes); returns how many
    // were sent. An item the kernel refuses is skipped, and counted in `failed` with the
    // first error in `first_error`, so one bad destination does not hold back the rest.
    size_t sendBatch(std::span<const SendItem> items, size_t& failed, std::string& first_error);
    void close();

private:
    explicit UdpSocket(int fd) : fd_(fd) {}
    int fd_ = -1;
};

// Installs a neighbour (ARP) entry so a unicast reply can reach a client that has no
// address yet (RFC 2131 4.1, what servers do when the broadcast flag is clear).
Status addArpEntry(int fd, const std::string& device, Ipv4 ip, const MacAddr& mac);

}  // namespace vq::net
