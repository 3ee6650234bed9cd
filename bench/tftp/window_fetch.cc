// A lean RFC 7440 (windowsize) TFTP client for bench/tftp: fetches one file into memory,
// reading DATA in batches (recvmmsg) and acknowledging once per window, then writes it out.
// Debian's atftp client spends a full core on the same transfer (a select and a recvfrom per
// block, a write per block), so at windowsize 16 every fast server measures the client; this
// one leaves the server as the limit. It prints the transfer's own time (RRQ sent to last
// ACK sent), excluding process start and the final write.
//   vq-tftp-window-fetch SERVER FILE OUT [BLKSIZE [WINDOWSIZE]]
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <variant>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tftp/codec/packet.h"

namespace {

using namespace vq::tftp;

constexpr size_t kBatch = 64;
constexpr int kTimeoutMs = 1000;
constexpr int kMaxTimeouts = 6;

int fail(const std::string& why) {
    std::fprintf(stderr, "window-fetch: %s\n", why.c_str());
    return 1;
}

bool sendTo(int fd, const std::vector<uint8_t>& wire, const sockaddr_in* to) {
    ssize_t n = to ? ::sendto(fd, wire.data(), wire.size(), 0,
                              reinterpret_cast<const sockaddr*>(to), sizeof *to)
                   : ::send(fd, wire.data(), wire.size(), 0);
    return n == static_cast<ssize_t>(wire.size());
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4)
        return fail("usage: vq-tftp-window-fetch SERVER FILE OUT [BLKSIZE [WINDOWSIZE]]");
    const std::string blksize = argc > 4 ? argv[4] : "1468";
    const std::string windowsize = argc > 5 ? argv[5] : "16";
    sockaddr_in server{};
    server.sin_family = AF_INET;
    server.sin_port = htons(69);
    if (::inet_pton(AF_INET, argv[1], &server.sin_addr) != 1)
        return fail(std::string("bad server address ") + argv[1]);

    int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        return fail("socket");
    int rcvbuf = 4 << 20;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);

    Request rrq;
    rrq.filename = argv[2];
    rrq.options = {{"blksize", blksize}, {"windowsize", windowsize}, {"tsize", "0"}};
    const auto start = std::chrono::steady_clock::now();
    if (!sendTo(fd, encodeRequest(rrq), &server))
        return fail("sending RRQ");

    const size_t block_size = std::strtoul(blksize.c_str(), nullptr, 10);
    size_t window = 1;
    std::vector<uint8_t> file;
    std::vector<std::array<uint8_t, 65536>> bufs(kBatch);
    std::array<mmsghdr, kBatch> msgs{};
    std::array<iovec, kBatch> iovs{};
    std::array<sockaddr_in, kBatch> from{};
    uint16_t last = 0;     // last block received in order
    size_t since_ack = 0;  // in-order blocks since the last ACK we sent
    bool connected = false, done = false, acked_gap = false;
    int timeouts = 0;
    while (!done) {
        pollfd p{fd, POLLIN, 0};
        int ready = ::poll(&p, 1, kTimeoutMs);
        if (ready == 0) {
            if (++timeouts > kMaxTimeouts)
                return fail("timed out");
            if (connected && !sendTo(fd, encodeAck(last), nullptr))
                return fail("sending ACK");
            continue;
        }
        for (size_t i = 0; i < kBatch; ++i) {
            iovs[i] = {bufs[i].data(), bufs[i].size()};
            msgs[i].msg_hdr = {};
            msgs[i].msg_hdr.msg_iov = &iovs[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_name = &from[i];
            msgs[i].msg_hdr.msg_namelen = sizeof from[i];
        }
        int got = ::recvmmsg(fd, msgs.data(), kBatch, MSG_DONTWAIT, nullptr);
        if (got <= 0)
            continue;
        timeouts = 0;
        for (int i = 0; i < got && !done; ++i) {
            auto packet = decode({bufs[i].data(), msgs[i].msg_len});
            if (!packet)
                continue;
            if (!connected) {
                // The server answers from its transfer port: talk only to that from now on.
                if (::connect(fd, reinterpret_cast<sockaddr*>(&from[i]), sizeof from[i]) != 0)
                    return fail("connect");
                connected = true;
            }
            if (auto* oack = std::get_if<OAck>(&*packet)) {
                for (const Option& o : oack->options) {
                    if (o.name == "windowsize")
                        window = std::strtoul(o.value.c_str(), nullptr, 10);
                    if (o.name == "tsize")
                        file.reserve(std::strtoull(o.value.c_str(), nullptr, 10));
                }
                if (!sendTo(fd, encodeAck(0), nullptr))
                    return fail("sending ACK 0");
            } else if (auto* data = std::get_if<Data>(&*packet)) {
                if (static_cast<int16_t>(data->block - last) <= 0)
                    continue;  // a block we already have (a resent window)
                if (data->block != static_cast<uint16_t>(last + 1)) {
                    // A gap: acknowledge what we have once, the server resends from there.
                    if (!acked_gap && !sendTo(fd, encodeAck(last), nullptr))
                        return fail("sending ACK");
                    acked_gap = true;
                    since_ack = 0;
                    continue;
                }
                acked_gap = false;
                file.insert(file.end(), data->payload.begin(), data->payload.end());
                last = data->block;
                done = data->payload.size() < block_size;
                if (++since_ack == window || done) {
                    since_ack = 0;
                    if (!sendTo(fd, encodeAck(last), nullptr))
                        return fail("sending ACK");
                }
            } else if (auto* error = std::get_if<Error>(&*packet)) {
                return fail("server error: " + error->message);
            }
        }
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ::close(fd);
    std::ofstream(argv[3], std::ios::binary)
        .write(reinterpret_cast<const char*>(file.data()),
               static_cast<std::streamsize>(file.size()));
    std::printf("%zu bytes in %.3f s: %.1f MiB/s\n", file.size(), seconds,
                static_cast<double>(file.size()) / (1 << 20) / seconds);
    return 0;
}
