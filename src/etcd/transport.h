#pragma once
// How the etcd client reaches etcd's JSON gateway: a POST of a JSON body to a /v3/... path.
// The HTTP transport (http_transport.h) speaks to real members; tests plug in an in-memory
// etcd (fake_etcd.h) behind the same interface, so the client's encoding is tested too.

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "base/result.h"

namespace vq::etcd {

struct TransportReply {
    unsigned status = 0;
    std::string body;
};

// Ends a running stream from another thread; cancel() before the stream started ends it
// as soon as it starts.
class StreamCancel {
public:
    void cancel();
    bool cancelled() const;
    // The transport's way to interrupt its blocking read; cleared when the stream ends.
    void onCancel(std::function<void()> fn);

private:
    mutable std::mutex mu_;
    bool cancelled_ = false;
    std::function<void()> fn_;
};

class Transport {
public:
    virtual ~Transport() = default;
    // One request, its whole answer. A transport failure (refused, timeout) is
    // `unavailable`, a TLS connection refused by either side `permission_denied` (the
    // settings must change); any HTTP answer is a reply.
    virtual Result<TransportReply> post(std::string_view path,
                                        const std::string& body,
                                        std::chrono::milliseconds timeout) = 0;
    // A streaming request (watch): every line of the answer goes to `on_line` until it
    // returns false, the stream ends, or `cancel` is cancelled. Blocks until then; ok when
    // ended by on_line or cancel.
    virtual Status stream(std::string_view path,
                          const std::string& body,
                          const std::function<bool(std::string_view)>& on_line,
                          const std::shared_ptr<StreamCancel>& cancel) = 0;
};

}  // namespace vq::etcd
