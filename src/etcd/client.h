#pragma once
// An etcd v3 client over the JSON gateway: ranges (paged for large prefixes), puts,
// deletes, transactions comparing version / create / mod revision or value, leases (grant,
// keep-alive, revoke) and streaming watches. Thread-safe; every call is bounded by the
// timeout. Failures keep etcd's meaning: `unavailable` when no member answered or the
// cluster has no quorum, `not_found` for a lease that is gone.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "etcd/transport.h"
#include "etcd/types.h"

#include "base/result.h"

namespace vq::etcd {

struct ClientOptions {
    std::chrono::milliseconds timeout{2'000};
    int64_t page = 1000;  // keys per request when reading a whole prefix
};

// A running watch: its events go to the callback (on the watch's own thread) until it is
// destroyed or stop() is called; `on_end` hears why it ended unless it was stopped.
class Watch {
public:
    using OnEvents = std::function<void(const std::vector<WatchEvent>&, int64_t revision)>;
    using OnEnd = std::function<void(const Status&)>;
    Watch(std::shared_ptr<Transport> transport,
          WatchRequest request,
          OnEvents on_events,
          OnEnd on_end);
    ~Watch();
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;
    void stop();

private:
    std::shared_ptr<StreamCancel> cancel_;
    std::thread thread_;
};

class Client {
public:
    Client(std::shared_ptr<Transport> transport, ClientOptions options = {});

    Result<RangeResponse> range(const RangeRequest& request);
    // nullopt when the key does not exist.
    Result<std::optional<KeyValue>> get(const std::string& key);
    // Every key under `prefix`, read in pages at one revision (a consistent snapshot).
    Result<RangeResponse> getPrefix(const std::string& prefix) {
        return getRange(prefix, prefixEnd(prefix));
    }
    // Every key in [key, range_end), the same way.
    Result<RangeResponse> getRange(const std::string& key,
                                   const std::string& range_end,
                                   bool keys_only = false);
    // The store's revision after the put.
    Result<int64_t> put(const std::string& key, const std::string& value, int64_t lease = 0);
    // How many keys were deleted; `range_end` empty: `key` alone.
    Result<int64_t> del(const std::string& key, const std::string& range_end = {});
    Result<int64_t> delPrefix(const std::string& prefix) { return del(prefix, prefixEnd(prefix)); }
    Result<TxnResponse> txn(const std::vector<Compare>& compares,
                            const std::vector<Op>& success,
                            const std::vector<Op>& failure = {});

    // A lease of `ttl_seconds`; its id.
    Result<int64_t> leaseGrant(int64_t ttl_seconds);
    // Refreshes the lease; the seconds it has left. A lease that expired is `not_found`.
    Result<int64_t> leaseKeepAlive(int64_t id);
    Status leaseRevoke(int64_t id);

    std::unique_ptr<Watch> watch(WatchRequest request,
                                 Watch::OnEvents on_events,
                                 Watch::OnEnd on_end = {});

    std::chrono::milliseconds timeout() const { return options_.timeout; }

private:
    Result<std::string> call(std::string_view path, const std::string& body);

    std::shared_ptr<Transport> transport_;
    ClientOptions options_;
};

}  // namespace vq::etcd
