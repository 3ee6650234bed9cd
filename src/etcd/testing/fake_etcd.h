#pragma once
// An in-memory etcd behind the Transport interface, answering the JSON gateway's paths as a
// single member would: a revisioned keyspace, transactions, leases (expired by the test),
// watches with history, and etcd's request size limit. Tests of the client and of
// everything built on it run against it without a process; `setDown` plays a lost cluster.

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "etcd/transport.h"
#include "etcd/types.h"

namespace vq::etcd {

class FakeEtcd : public Transport {
public:
    static constexpr size_t kDefaultMaxRequestBytes = 1536 * 1024;

    Result<TransportReply> post(std::string_view path,
                                const std::string& body,
                                std::chrono::milliseconds timeout) override;
    Status stream(std::string_view path,
                  const std::string& body,
                  const std::function<bool(std::string_view)>& on_line,
                  const std::shared_ptr<StreamCancel>& cancel) override;

    // Every request fails as if no member answered.
    void setDown(bool down);
    // The lease ends now, its keys deleted (what a TTL running out does).
    void expireLease(int64_t id);
    void setMaxRequestBytes(size_t n);
    int64_t revision() const;
    // Every write applied so far, as etcd's history would show it.
    std::vector<WatchEvent> history() const;
    size_t requests() const;

private:
    struct Applied {
        int64_t revision;
        WatchEvent event;
    };
    std::string handle(std::string_view path, const std::string& body, unsigned& status);
    void putLocked(const std::string& key, const std::string& value, int64_t lease);
    int64_t deleteLocked(const std::string& key, const std::string& range_end);
    std::vector<const KeyValue*> rangeLocked(const std::string& key,
                                             const std::string& range_end) const;

    mutable std::mutex mu_;
    std::condition_variable changed_;
    std::map<std::string, KeyValue> kvs_;
    std::map<int64_t, std::set<std::string>> leases_;  // id -> keys attached
    std::map<int64_t, int64_t> lease_ttl_;
    std::vector<Applied> log_;
    int64_t revision_ = 1;
    int64_t next_lease_ = 7000;
    bool down_ = false;
    size_t max_request_ = kDefaultMaxRequestBytes;
    size_t requests_ = 0;
};

}  // namespace vq::etcd
