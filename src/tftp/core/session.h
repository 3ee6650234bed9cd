#pragma once
// One read transfer as a pure state machine: datagrams and timer ticks in, datagrams out.
// No sockets and no clock of its own, so loss, duplication, reordering, timeouts and block
// number rollover are all tested with a simulated clock.
//
// Block numbers are tracked as 64-bit indexes and put on the wire modulo 65536 (block 65535
// is followed by block 0, as tftp-hpa, atftp, curl and iPXE expect), so files of any size
// transfer. A duplicate ACK never triggers a retransmission with windowsize 1: that is the
// Sorcerer's Apprentice bug (RFC 1123 4.2.3.1). It does tell the session that the client is
// there and waiting, so the retransmission timer drops its backoff (see onAck). With larger
// windows a repeated ACK means the first block of a window was lost, so it is answered,
// rate-limited.

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/clock.h"
#include "tftp/codec/packet.h"
#include "tftp/core/file_source.h"
#include "tftp/core/options.h"

namespace vq::tftp {

// A datagram to send. DATA is header + a view into the shared file (gathered by the sender,
// never copied); everything else is a complete packet in `control`.
struct Datagram {
    std::array<uint8_t, kDataHeaderSize> header{};
    std::span<const uint8_t> payload;
    std::vector<uint8_t> control;

    bool isData() const { return control.empty(); }
    size_t size() const { return isData() ? header.size() + payload.size() : control.size(); }
    std::vector<uint8_t> wire() const;  // the whole datagram, for tests and slow paths
};

enum class SessionState { AwaitingOptionAck, Sending, Done, Failed };

struct SessionStats {
    uint64_t bytes_acked = 0;    // file bytes the client confirmed
    uint64_t data_sent = 0;      // DATA datagrams sent, retransmissions included
    uint64_t retransmitted = 0;  // DATA/OACK datagrams sent again
    uint64_t ignored = 0;        // stale, duplicate or unexpected datagrams
};

class Session {
public:
    Session(std::shared_ptr<const FileData> file,
            const Negotiated& negotiated,
            const SessionLimits& limits);

    // First datagrams of the transfer: OACK, or DATA when no option was accepted.
    void start(TimePoint now, std::vector<Datagram>& out);
    // A datagram from the client's transfer ID.
    void onPacket(std::span<const uint8_t> datagram, TimePoint now, std::vector<Datagram>& out);
    // Call when now >= deadline(); earlier calls do nothing.
    void onTimer(TimePoint now, std::vector<Datagram>& out);

    TimePoint deadline() const { return deadline_; }
    SessionState state() const { return state_; }
    bool finished() const { return state_ == SessionState::Done || state_ == SessionState::Failed; }
    const std::string& failure() const { return failure_; }
    // The client ended the transfer with ERROR 8 before taking any data: EDK2 does this after
    // reading tsize from the OACK, then asks again. A size probe, not a failed boot.
    bool endedAsSizeProbe() const { return size_probe_; }
    const SessionStats& stats() const { return stats_; }
    const Negotiated& negotiated() const { return negotiated_; }
    uint64_t fileSize() const { return file_->bytes().size(); }
    uint64_t totalBlocks() const { return total_blocks_; }

private:
    void sendWindow(TimePoint now, std::vector<Datagram>& out, bool retransmission);
    void onAck(uint16_t block, TimePoint now, std::vector<Datagram>& out);
    void clientWaiting(TimePoint now);
    void fail(std::string reason);
    void arm(TimePoint now);
    Datagram dataBlock(uint64_t index) const;

    std::shared_ptr<const FileData> file_;
    Negotiated negotiated_;
    SessionState state_ = SessionState::Sending;
    uint64_t total_blocks_ = 0;  // a file of n*blksize bytes ends with an empty block
    uint64_t base_ = 1;          // first unacknowledged block index
    uint64_t sent_end_ = 1;      // one past the highest block index sent so far
    bool dup_answered_ = false;  // a duplicate ACK already restarted this window
    TimePoint dup_answered_at_{};
    std::chrono::milliseconds timeout_;
    std::chrono::milliseconds max_timeout_;
    int max_retries_;
    int retries_ = 0;          // timer expiries since the client was last heard
    TimePoint sent_at_{};      // last (re)transmission of the window or OACK
    TimePoint progress_at_{};  // start, or the last ACK that moved the window
    TimePoint deadline_{};
    std::string failure_;
    bool size_probe_ = false;
    SessionStats stats_;
};

}  // namespace vq::tftp
