#pragma once
// What changed on the server, in order, for live views (the dashboard's Server-Sent
// Events): host boot events, state transitions, checkpoints, each a short JSON message with
// a sequence number. Only the newest `keep` messages are held; a reader that fell further
// behind is told so and reloads its view instead of replaying.

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "base/event.h"
#include "server/change_clock.h"

namespace vq::server {

class ChangeFeed {
public:
    explicit ChangeFeed(size_t keep = 4096) : keep_(keep == 0 ? 1 : keep) {}

    // Appends a message (one JSON object, no newline); returns its sequence number (1, 2, ...).
    uint64_t publish(std::string json);

    struct Batch {
        std::vector<std::string> messages;
        uint64_t last = 0;  // sequence number of the last message returned (or `after`)
        bool lost = false;  // messages after `after` were already dropped
    };
    // Messages after sequence number `after`, up to about max_bytes (always at least one
    // when there is one).
    Batch since(uint64_t after, size_t max_bytes) const;
    uint64_t last() const;

    // Readers start at what is new when they connect, so nothing needs publishing while none
    // is connected: publishers ask watched() first and skip building the message (it runs on
    // every boot event). A reader registers before it reads last().
    void addReader() { readers_.fetch_add(1, std::memory_order_acq_rel); }
    void removeReader() { readers_.fetch_sub(1, std::memory_order_acq_rel); }
    bool watched() const { return readers_.load(std::memory_order_acquire) > 0; }

private:
    size_t keep_;
    std::atomic<int> readers_{0};
    mutable std::mutex mu_;
    std::deque<std::string> messages_;
    uint64_t first_ = 1;  // sequence number of messages_.front()
};

// Publishes every event it records as {"type":"state","kind":..,"detail":..,"mac":..},
// ticks `changes` (may be null: every event it records is a transition, which the state
// manifest shows) and passes it on to `next` (may be null).
class ChangeFeedSink : public EventSink {
public:
    ChangeFeedSink(ChangeFeed& feed, EventSink* next, ChangeClock* changes = nullptr)
        : feed_(feed), next_(next), changes_(changes) {}
    void record(HostEvent event) override;

private:
    ChangeFeed& feed_;
    EventSink* next_;
    ChangeClock* changes_;
};

}  // namespace vq::server
