#pragma once
// A counter of changes to what agents are told about their hosts (the state manifest: each
// host's boot, stage and pinned revision): every state transition, checkpoint and accepted
// revision ticks it. Agents long-poll it instead of fetching the manifest on a timer, so
// they learn of a change as it happens and fetch nothing while nothing changes.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace vq::server {

class ChangeClock {
public:
    void tick();
    uint64_t now() const;
    // Returns the count as soon as it is not `seen` (a count from before a restart counts as
    // changed too), after `timeout`, or at once after close().
    uint64_t waitPast(uint64_t seen, std::chrono::milliseconds timeout);
    // Ends every wait, now and later (the server stops).
    void close();

private:
    mutable std::mutex mu_;
    std::condition_variable changed_;
    // Starts at the microseconds since the epoch, so that a count from an earlier run of the
    // server (or another leader) is older than every count of this one: an agent holding it
    // is sent a whole manifest, never a delta against a manifest it does not hold. Never 0:
    // agents that hold nothing say 0.
    uint64_t count_ = startCount();
    static uint64_t startCount();
    bool closed_ = false;
};

}  // namespace vq::server
