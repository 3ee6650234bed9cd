#pragma once
// Tests that play a leader: the key taken under a lease of its own, and the fence a leader's
// writes carry (the key still at the revision it was won at).

#include <string>

#include "etcd/client.h"

namespace vq::etcd::testing {

struct Leadership {
    int64_t lease = 0;
    Compare fence;
};

// Takes `key` (which must be absent) under a new lease of `ttl_s` seconds.
inline Result<Leadership> takeLeadership(Client& client,
                                         const std::string& key,
                                         int64_t ttl_s = 2) {
    auto lease = client.leaseGrant(ttl_s);
    if (!lease)
        return lease.status();
    auto won = client.txn({Compare::absent(key)}, {Op::put(key, "me", *lease)});
    if (!won)
        return won.status();
    if (!won->succeeded)
        return Status::failedPrecondition(key + " is taken");
    return Leadership{*lease, Compare::modRevision(key, won->revision)};
}

}  // namespace vq::etcd::testing
