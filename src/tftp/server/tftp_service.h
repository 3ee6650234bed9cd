#pragma once
// The TFTP service: one UDP socket on the well-known port, read on the caller's Boost.Asio
// event loop, and one ephemeral socket per transfer (RFC 1350 transfer IDs), run by a few
// event-loop threads of the service's own (TransferWorker) so that hundreds of concurrent
// transfers are not serialised behind one thread. Protocol decisions are made by admit() and
// Session; the service only moves datagrams, arms timers and reports. Events may be recorded
// from any of its threads (EventSink is thread-safe).
//
// Each transfer is reported to the EventSink (it knows the client's IP only):
//   TFTP_START    file=.. blksize=.. windowsize=.. tsize=..
//   TFTP_DONE     file=.. bytes=.. duration_ms=.. retransmits=..
//   TFTP_FAILED   file=.. bytes=.. duration_ms=.. reason=..
//   TFTP_PROBED   file=.. tsize=..  (client read the size from the OACK and ended it)
//   TFTP_REFUSED  file=.. error=.. reason=..   (missing files, escapes, writes, bad requests)

#include <cstdint>
#include <memory>
#include <string>

#include "metrics/metric.h"
#include <boost/asio/io_context.hpp>

#include "base/event.h"
#include "base/result.h"
#include "tftp/core/file_source.h"
#include "tftp/core/options.h"
#include "tftp/server/directory_file_source.h"

namespace vq::tftp {

struct TftpServiceConfig {
    std::string bind_address = "0.0.0.0";  // one service per address the agent serves
    uint16_t port = 69;                    // 0 picks a free port (tests)
    DirectoryConfig files;                 // root dir and fallbacks
    SessionLimits limits = [] {
        SessionLimits l;
        l.max_block_size = 65464;  // the RFC 2348 maximum; the MTU clamp below applies too
        return l;
    }();
    // Also clamp blksize to the MTU of the interface that holds the transfer's local address
    // (minus IP, UDP and TFTP headers), so blocks are never IP-fragmented.
    bool block_size_from_mtu = true;
    size_t max_transfers = 2048;
    // Per client address, once half of max_transfers are taken: a PXE ROM runs one transfer
    // at a time (two with a size probe).
    size_t max_transfers_per_client = 16;
    // Event-loop threads that run transfers (0 runs them on the caller's loop too). Two per
    // core, at least 4 and at most 16: with one, a busy machine gives the whole service one
    // thread's share of the CPU however many transfers wait on it (see bench/RESULTS.md).
    unsigned transfer_threads = defaultTransferThreads();
    // Send each window of DATA blocks as one UDP_SEGMENT (GSO) message; turned off by itself,
    // with a log line, where the kernel or the device refuses it.
    bool segmentation_offload = true;

    static unsigned defaultTransferThreads();
};

struct TftpStats {
    uint64_t started = 0;
    uint64_t completed = 0;
    uint64_t failed = 0;
    uint64_t size_probes = 0;  // ended by the client with ERROR 8 after the OACK
    uint64_t refused = 0;
    uint64_t active = 0;
    uint64_t bytes = 0;                   // acknowledged file bytes of finished transfers
    metrics::HistogramSnapshot duration;  // seconds, completed transfers
};

class TftpService {
public:
    // Serves files from config.files through a DirectoryFileSource of its own.
    TftpService(boost::asio::io_context& io, TftpServiceConfig config, EventSink& events);
    // Serves files from any FileSource (which must outlive the service).
    TftpService(boost::asio::io_context& io,
                TftpServiceConfig config,
                FileSource& files,
                EventSink& events);
    ~TftpService();
    TftpService(const TftpService&) = delete;
    TftpService& operator=(const TftpService&) = delete;

    // Binds the request socket; fails (never throws) on a bad address or a taken port.
    Status start();
    // Closes every socket; transfers in flight end without further datagrams.
    void stop();
    uint16_t port() const;  // the bound port, useful with port 0
    TftpStats stats() const;

    class Impl;

private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace vq::tftp
