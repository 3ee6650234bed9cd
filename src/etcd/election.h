#pragma once
// Leader election on one etcd key (the original's `Etcd.HA`): every candidate holds a lease
// of `ttl` seconds, kept alive at a third of it, and tries to create the key with its id
// under that lease; the one that creates it leads until its lease ends. The others try
// again every twentieth of the TTL, so a leader that dies is replaced within about one TTL.
//
// The leader's writes carry fence(): the key still at the revision it was won at. A
// leader paused past its TTL has lost the key (the lease ended and it was deleted, or
// another holds it), so none of its writes lands; its keep-alive hears that the lease is
// gone, and it is told through on_lost. Leadership is never regained in the same life:
// the original's rule is to exit and let the orchestrator restart the process.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "etcd/client.h"

#include "base/result.h"

namespace vq::etcd {

struct ElectionOptions {
    std::string key;  // <Root>/leader
    std::string id;   // this candidate, stored as the key's value
    int ttl_s = 2;
};

class Election {
public:
    Election(std::shared_ptr<Client> client, ElectionOptions options);
    ~Election();
    Election(const Election&) = delete;
    Election& operator=(const Election&) = delete;

    // Blocks until this candidate leads (ok), `stopped()` returns true (cancelled), or etcd
    // cannot be reached at start or for a whole TTL, or the lease is lost meanwhile (the
    // error). A try whose answer was lost and that did create the key counts as won.
    Status campaign(const std::function<bool()>& stopped);
    // After a won campaign: keeps the lease alive until destroyed; `on_lost` (once, on the
    // keep-alive thread) when the lease is gone or etcd did not answer for a whole TTL.
    void keepLeading(std::function<void(const Status&)> on_lost);
    // The condition every leader write carries.
    std::vector<Compare> fence() const;
    // Gives up leadership now (revokes the lease: the others need not wait for the TTL).
    void resign();

    int64_t lease() const { return lease_; }
    int64_t wonAt() const { return won_revision_; }
    // The id stored in the key now; empty when nobody leads.
    Result<std::string> leader();

private:
    void keepAliveLoop(std::function<void(const Status&)> on_lost);

    std::shared_ptr<Client> client_;
    ElectionOptions options_;
    int64_t lease_ = 0;
    int64_t won_revision_ = 0;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread keeper_;
};

}  // namespace vq::etcd
