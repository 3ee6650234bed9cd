#pragma once
// Runs admitted transfers: one connected UDP socket and one timer per transfer, driven by a
// Session. A worker either shares the caller's event loop or runs an event loop on a thread
// of its own; TftpService spreads transfers over several of the latter so that many
// concurrent transfers are not all serialised behind one thread (on a loaded machine one
// thread gets one share of the CPU, however many transfers wait on it).
//
// Thread model: everything a transfer touches (socket, timer, session, the worker's table)
// is used only on the worker's event loop. adopt() may be called from any thread; it hands
// the transfer over with a post. Counters are atomics shared with the service.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "metrics/metric.h"
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "base/event.h"
#include "base/ipv4.h"
#include "tftp/core/session.h"

namespace vq::tftp {

struct TransferCounters {
    std::atomic<uint64_t> started{0};
    std::atomic<uint64_t> completed{0};
    std::atomic<uint64_t> failed{0};
    std::atomic<uint64_t> size_probes{0};
    std::atomic<uint64_t> refused{0};
    std::atomic<uint64_t> active{0};  // counted by the service on admission, down on finish
    std::atomic<uint64_t> bytes{0};
    // Transfers in progress per client address, so that one client (or one flooding
    // address) cannot take every transfer slot: up on admission, down on finish.
    bool admitClient(uint32_t client, size_t max_per_client);
    void releaseClient(uint32_t client);
    // Seconds from request to the last acknowledgement, of completed transfers.
    metrics::Histogram duration{metrics::latencyBuckets()};

private:
    std::mutex per_client_mu_;
    std::unordered_map<uint32_t, uint32_t> per_client_;
};

// One transfer, created by the service with its socket opened on the worker's io().
struct Transfer {
    explicit Transfer(boost::asio::io_context& io) : socket(io), timer(io) {}
    uint64_t id = 0;
    boost::asio::ip::udp::socket socket;
    boost::asio::steady_timer timer;
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

class TransferWorker : public std::enable_shared_from_this<TransferWorker> {
public:
    // `shared`: run on that loop (the caller runs it). nullptr: own loop and thread, started
    // by startThread(). `gso`: send windows as UDP_SEGMENT messages (send_batches.h).
    TransferWorker(boost::asio::io_context* shared,
                   EventSink& events,
                   TransferCounters& counters,
                   bool gso = true);
    ~TransferWorker();
    TransferWorker(const TransferWorker&) = delete;
    TransferWorker& operator=(const TransferWorker&) = delete;

    boost::asio::io_context& io() { return *io_; }
    void startThread();
    // Sends a new transfer's first datagrams, then hands it to the worker's loop (socket open
    // on io(), session set, not yet started).
    void adopt(std::unique_ptr<Transfer> t);
    // Closes every transfer without further datagrams; joins the thread. Idempotent. Call from
    // the service's owner thread, never from this worker's own thread.
    void stop();

private:
    void begin(std::unique_ptr<Transfer> t);
    void waitTransfer(Transfer& t);
    void readTransfer(uint64_t id);
    void flush(Transfer& t);
    // One sendmmsg of up to kBatch datagrams from out[out_pos]; the datagrams sent, or -1
    // with errno set.
    int sendSome(Transfer& t);
    void armTimer(Transfer& t);
    void onTimer(uint64_t id);
    void finish(Transfer& t);
    void closeAll();

    std::unique_ptr<boost::asio::io_context> own_io_;  // when running a thread of its own
    boost::asio::io_context* io_;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
    std::thread thread_;
    EventSink& events_;
    TransferCounters& counters_;
    std::atomic<bool> stopped_{false};
    std::unordered_map<uint64_t, std::unique_ptr<Transfer>> transfers_;
    std::vector<uint8_t> rx_;
    // Read and cleared from adopt()'s thread as well as the worker's.
    std::atomic<bool> gso_;
};

}  // namespace vq::tftp
