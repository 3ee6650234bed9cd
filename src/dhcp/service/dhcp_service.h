#pragma once
// The DHCP runtime: sockets on the interfaces it is told to serve, one thread, the pure
// Server core in between, events to an EventSink, and the rogue-server detector.
//
//   DhcpServiceConfig cfg;  cfg.interfaces = {"eth1"};  cfg.server.mode = Mode::Server;
//   DhcpService svc(cfg, directory, sink);   // directory: HostDirectory, thread-safe find()
//   if (Status st = svc.start(); !st) ...     // opens sockets, starts the thread
//   ...  svc.stop();                          // or destroy it
//
// Per interface: UDP 67 (always), 4011 (proxy mode), 68 (detector: overheard replies of
// other servers), each SO_BINDTODEVICE so nothing is received from or sent to another
// interface. Replies leave through the interface the request arrived on (IP_PKTINFO),
// encoded within the size the client accepts (option 57, else 576; overload, then
// trimming: DHCP_TRIMMED). With rogue_probe_seconds > 0 the service also broadcasts a
// rogue-server probe (server/rogue_probe.h) from port 68 of every interface it serves.
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/event.h"
#include "base/result.h"
#include "dhcp/server/directory.h"
#include "dhcp/server/rogue_detector.h"
#include "dhcp/server/rogue_probe.h"
#include "dhcp/server/server.h"
#include "net/udp_socket.h"

namespace vq::dhcp {

struct DhcpServiceConfig {
    std::vector<std::string> interfaces;  // served interface names; must exist at start()
    ServerConfig server;
    bool detect_rogue = true;
    // Active rogue-server probe every this many seconds (0 = off); needs detect_rogue, as
    // its answers arrive on the detector's port 68. 300 suits most sites.
    uint32_t rogue_probe_seconds = 0;
    uint16_t server_port = kServerPort;  // overridable for unprivileged tests
    uint16_t client_port = kClientPort;
    uint16_t pxe_port = kPxePort;
    std::string dump_dir;  // when set, every received request is written there (captures)
};

struct DhcpServiceStats {
    uint64_t received = 0;
    uint64_t decode_errors = 0;
    uint64_t replies_sent = 0;
    uint64_t send_errors = 0;
    uint64_t rogue_sightings = 0;           // overheard and probed
    uint64_t rogue_probes = 0;              // probes sent
    uint64_t replies_trimmed = 0;           // sent without some options, to fit the client's limit
    uint64_t replies_too_large = 0;         // not sent: even the essential options did not fit
    std::map<std::string, uint64_t> drops;  // by dropReasonName()
    // By message type name (DISCOVER, OFFER, ...; "BOOTP" for requests without option 53).
    std::map<std::string, uint64_t> requests;
    std::map<std::string, uint64_t> replies;
};

class DhcpService {
public:
    DhcpService(DhcpServiceConfig config,
                const HostDirectory& directory,
                EventSink& events,
                const Clock& clock = SteadyClock::instance());
    ~DhcpService();
    DhcpService(const DhcpService&) = delete;
    DhcpService& operator=(const DhcpService&) = delete;

    Status start();
    void stop();
    DhcpServiceStats stats() const;

private:
    struct Link;
    struct Batch;
    void run();
    void refreshAddresses();
    void onRequest(Link& link, net::UdpSocket& sock, uint16_t local_port);
    void onOverheard(Link& link);
    void onProbeAnswered(Link& link, const ProbeSighting& sighting);
    // Broadcasts the probes that are due (service thread, every loop turn).
    void probeDue(TimePoint now);
    // Encodes a reply into the batch; flushReplies() sends the batch in one system call.
    void queueReply(Link& link, net::UdpSocket& sock, const Reply& reply);
    void flushReplies(Link& link, net::UdpSocket& sock);
    void dump(std::span<const uint8_t> data, const net::RecvInfo& info);

    DhcpServiceConfig config_;
    EventSink& events_;
    const Clock& clock_;
    Server server_;
    RogueDetector detector_;
    std::vector<std::unique_ptr<Link>> links_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    int wake_fd_ = -1;
    TimePoint next_refresh_{};
    std::atomic<uint64_t> received_{0}, decode_errors_{0}, sent_{0}, send_errors_{0}, rogue_{0};
    std::atomic<uint64_t> probes_{0}, trimmed_{0}, too_large_{0};
    // Index: the message type (1..8); 0 = none (BOOTP) or unknown.
    std::array<std::atomic<uint64_t>, 9> requests_by_type_{}, replies_by_type_{};
    std::vector<Ipv4> own_addresses_;  // service thread only, after start()
    std::mt19937 xids_{std::random_device{}()};
    uint64_t dump_seq_ = 0;
    std::unique_ptr<Batch> batch_;  // receive and send buffers (service thread only)
};

}  // namespace vq::dhcp
