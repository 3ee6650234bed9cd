// vq-swarm-wire: a lossy, duplicating, jittery link in user space, for kernels without
// sch_netem. It forwards every Ethernet frame between two interfaces (packet sockets) and,
// like `tc qdisc add ... netem loss L% duplicate D% delay Dms Jms` on both directions, drops a
// frame with probability L, sends it twice with probability D and holds every copy for the
// delay plus a uniform jitter (frames overtake each other as netem's jitter lets them).
// The interfaces' peers must not hand it offloaded frames (ethtool -K .. tx off tso off gso off).
//   vq-swarm-wire --a IFACE --b IFACE [--loss PCT] [--duplicate PCT] [--delay-ms MS]
//                 [--jitter-ms MS] [--seed N]
// Prints its counters on SIGTERM or SIGINT, kernel_dropped included: frames the kernel dropped
// because this process did not read them in time (a loss the loss rate does not account for).
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

namespace {

volatile std::sig_atomic_t g_stop = 0;

int64_t nowNs() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

int openPort(const std::string& ifname) {
    int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (fd < 0)
        return -1;
    int one = 1;
    ::setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
    int buf = 64 << 20;  // bursts of a thousand machines' frames wait here, not dropped
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof buf);
    sockaddr_ll addr{};
    addr.sll_family = AF_PACKET;
    addr.sll_protocol = htons(ETH_P_ALL);
    addr.sll_ifindex = static_cast<int>(::if_nametoindex(ifname.c_str()));
    if (addr.sll_ifindex == 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Frames the kernel dropped on this socket since the last call (its receive buffer was full).
uint64_t kernelDrops(int fd) {
    tpacket_stats st{};
    socklen_t len = sizeof st;
    if (::getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) != 0)
        return 0;
    return st.tp_drops;
}

constexpr unsigned kBatch = 64;

// Buffers and headers of one recvmmsg call.
struct RecvBatch {
    std::vector<std::vector<uint8_t>> frames;
    std::vector<iovec> iovs;
    std::vector<mmsghdr> headers;
    RecvBatch() : frames(kBatch, std::vector<uint8_t>(65536)), iovs(kBatch), headers(kBatch) {
        for (unsigned i = 0; i < kBatch; ++i) {
            iovs[i] = {frames[i].data(), frames[i].size()};
            headers[i] = {};
            headers[i].msg_hdr.msg_iov = &iovs[i];
            headers[i].msg_hdr.msg_iovlen = 1;
        }
    }
};

struct Held {
    int64_t release_ns;
    uint64_t seq;  // equal release times leave in arrival order
    int out_fd;
    std::vector<uint8_t> frame;
    bool operator>(const Held& o) const {
        return release_ns != o.release_ns ? release_ns > o.release_ns : seq > o.seq;
    }
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"vq-swarm-wire: user-space netem between two interfaces"};
    std::string a_name, b_name;
    double loss = 0, duplicate = 0, delay_ms = 0, jitter_ms = 0;
    unsigned seed = 1;
    app.add_option("--a", a_name)->required();
    app.add_option("--b", b_name)->required();
    app.add_option("--loss", loss, "percent of frames dropped");
    app.add_option("--duplicate", duplicate, "percent of frames sent twice");
    app.add_option("--delay-ms", delay_ms);
    app.add_option("--jitter-ms", jitter_ms, "uniform, +/-");
    app.add_option("--seed", seed);
    CLI11_PARSE(app, argc, argv);

    const int a = openPort(a_name), b = openPort(b_name);
    if (a < 0 || b < 0) {
        std::fprintf(stderr, "vq-swarm-wire: cannot open %s / %s: %s\n", a_name.c_str(),
                     b_name.c_str(), std::strerror(errno));
        return 2;
    }
    std::signal(SIGTERM, [](int) { g_stop = 1; });
    std::signal(SIGINT, [](int) { g_stop = 1; });

    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> pct(0, 100);
    std::uniform_real_distribution<double> jitter(-jitter_ms, jitter_ms);
    std::priority_queue<Held, std::vector<Held>, std::greater<>> held;
    uint64_t seq = 0, forwarded = 0, dropped = 0, duplicated = 0, send_errors = 0;
    uint64_t kernel_dropped = 0;
    int64_t next_stats_ns = 0;
    RecvBatch in;
    std::vector<Held> due;
    std::vector<iovec> iovs;
    std::vector<mmsghdr> out;
    pollfd fds[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
    const int out_of[2] = {b, a};

    while (!g_stop) {
        // Wait to the nanosecond (ppoll): a wait rounded down to whole milliseconds turned
        // every sub-millisecond wait into a busy loop, a core taken from the machines and
        // the server.
        int64_t wait_ns = 100000000;
        if (!held.empty())
            wait_ns = std::clamp<int64_t>(held.top().release_ns - nowNs(), 0, wait_ns);
        timespec wait{static_cast<time_t>(wait_ns / 1000000000),
                      static_cast<long>(wait_ns % 1000000000)};
        if (::ppoll(fds, 2, &wait, nullptr) < 0 && errno != EINTR)
            break;
        for (int side = 0; side < 2; ++side) {
            // Frames come in batches (recvmmsg): one system call per frame made the wire
            // itself the bottleneck of a thousand machines, and the kernel dropped what it
            // had no time to read (kernel_dropped), a loss on top of the configured one.
            for (int budget = 0; budget < 16; ++budget) {
                const int got =
                    ::recvmmsg(fds[side].fd, in.headers.data(), kBatch, MSG_DONTWAIT, nullptr);
                if (got <= 0)
                    break;
                const int64_t arrived = nowNs();
                for (int i = 0; i < got; ++i) {
                    if (pct(rng) < loss) {
                        ++dropped;
                        continue;
                    }
                    const size_t n = in.headers[i].msg_len;
                    const int copies = pct(rng) < duplicate ? 2 : 1;
                    duplicated += copies - 1;
                    for (int c = 0; c < copies; ++c) {
                        const double ms = std::max(0.0, delay_ms + jitter(rng));
                        const uint8_t* frame = in.frames[i].data();
                        held.push({arrived + static_cast<int64_t>(ms * 1e6), seq++, out_of[side],
                                   std::vector<uint8_t>(frame, frame + n)});
                    }
                }
                if (got < static_cast<int>(kBatch))
                    break;
            }
        }
        const int64_t now = nowNs();
        if (now >= next_stats_ns) {  // the kernel's counters are 32 bits: read them often
            kernel_dropped += kernelDrops(a) + kernelDrops(b);
            next_stats_ns = now + 1000000000;
        }
        // Due frames leave in batches too (sendmmsg), one per output interface.
        while (!held.empty() && held.top().release_ns <= now) {
            // top() is const only to protect the heap order, which the move leaves intact.
            due.push_back(std::move(const_cast<Held&>(held.top())));
            held.pop();
        }
        for (int fd : {a, b}) {
            out.clear();
            iovs.clear();
            for (Held& h : due)
                if (h.out_fd == fd)
                    iovs.push_back({h.frame.data(), h.frame.size()});
            for (iovec& v : iovs) {
                mmsghdr m{};
                m.msg_hdr.msg_iov = &v;
                m.msg_hdr.msg_iovlen = 1;
                out.push_back(m);
            }
            for (size_t at = 0; at < out.size();) {
                const int sent = ::sendmmsg(fd, out.data() + at, out.size() - at, 0);
                if (sent <= 0) {
                    ++send_errors;  // this frame is lost, as a full queue loses it
                    ++at;
                    continue;
                }
                forwarded += static_cast<uint64_t>(sent);
                at += static_cast<size_t>(sent);
            }
        }
        due.clear();
    }
    kernel_dropped += kernelDrops(a) + kernelDrops(b);
    std::printf(
        "wire: forwarded=%llu dropped=%llu duplicated=%llu send_errors=%llu kernel_dropped=%llu\n",
        static_cast<unsigned long long>(forwarded), static_cast<unsigned long long>(dropped),
        static_cast<unsigned long long>(duplicated), static_cast<unsigned long long>(send_errors),
        static_cast<unsigned long long>(kernel_dropped));
    return 0;
}
