#pragma once
// Bounds the connections a server holds open, so that neither idle keep-alive clients nor a
// slowloris holding thousands of half-sent requests can exhaust descriptors or memory. At
// the bound, a newcomer takes the place of the connection that has waited longest for a
// request (idle or trickling in): a client that sends its request at once is always served.
// When every connection is busy answering, the newcomer is refused.
//
// Thread-safe: sessions of every server thread share one table. The mutex is taken when a
// connection opens or closes, never per request.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>

namespace vq::http {

class ConnectionTable {
public:
    // One open connection. `evict` is called (on the thread admitting a newcomer) to have the
    // connection closed; it must hand the close to the connection's own thread.
    class Slot {
    public:
        // The connection waits for (the rest of) a request: it may be evicted.
        void waiting() { waiting_since_.store(next_tick_->fetch_add(1) + 1); }
        // The connection is answering a request: it is left alone.
        void busy() { waiting_since_.store(0); }
        bool evicted() const { return evicted_.load(); }

    private:
        friend class ConnectionTable;
        std::atomic<uint64_t> waiting_since_{0};  // a tick of the table; 0 while busy
        std::atomic<bool> evicted_{false};
        std::atomic<uint64_t>* next_tick_ = nullptr;
        std::function<void()> evict_;
        std::list<std::shared_ptr<Slot>>::iterator pos_;
    };

    explicit ConnectionTable(size_t max_connections);

    // A slot for a new connection (waiting), evicting the longest-waiting one at the bound;
    // nullptr when the table is full of busy connections.
    std::shared_ptr<Slot> admit(std::function<void()> evict);
    // The connection closed. Idempotent; a no-op for an evicted slot.
    void release(const std::shared_ptr<Slot>& slot);

    size_t open() const;
    size_t limit() const { return max_; }
    uint64_t evictedCount() const { return evicted_.load(); }
    uint64_t refusedCount() const { return refused_.load(); }

private:
    const size_t max_;
    mutable std::mutex mu_;
    std::list<std::shared_ptr<Slot>> slots_;
    std::atomic<uint64_t> tick_{0};
    std::atomic<uint64_t> evicted_{0};
    std::atomic<uint64_t> refused_{0};
};

// The bound a server should use: `wanted`, but at most half the process's descriptor limit
// (a download holds a file as well as a socket; a proxied one, an upstream socket), less a
// reserve for everything else the process opens.
size_t connectionLimitFor(size_t wanted);

}  // namespace vq::http
