#pragma once
// A handler's answer. Usually a body rendered completely into a buffer (a failed render
// never sends half a file); for large files a descriptor range sent with sendfile(2); for
// a CDN a target the server streams from; for live views a source of Server-Sent Events.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/types.h>

#include "base/result.h"
#include "http/event_stream.h"

namespace vq::http {

// An open file and the byte range to send; owns the descriptor.
class FileRange {
public:
    FileRange(int fd, uint64_t offset, uint64_t length)
        : fd_(fd), offset_(offset), length_(length) {}
    ~FileRange();
    FileRange(const FileRange&) = delete;
    FileRange& operator=(const FileRange&) = delete;

    int fd() const { return fd_; }
    uint64_t offset() const { return offset_; }
    uint64_t length() const { return length_; }

private:
    int fd_;
    uint64_t offset_;
    uint64_t length_;
};

// Where a proxied request goes; only plain http.
struct ProxyTarget {
    std::string host;
    uint16_t port = 80;
    std::string target;  // origin-form: "/path?query"
    // Relay the whole request, as to a peer of the same deployment (a follower's User API
    // and Gitter to their leader's): its method, body and every end-to-end header. Unset
    // (a CDN): GET or HEAD with the conditional and range headers only, nothing the client
    // meant for Vaquero (its Authorization, say) goes further.
    bool whole_request = false;
};

struct Response {
    unsigned status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::vector<std::pair<std::string, std::string>> headers;  // extra headers
    std::string body;
    std::shared_ptr<FileRange> file;      // when set, replaces body
    std::shared_ptr<ProxyTarget> proxy;   // when set, the server streams from it
    std::shared_ptr<EventSource> events;  // when set, an open text/event-stream
    EventStreamTiming event_timing;
    std::string log_reason;  // why an error status was chosen, for the log only

    Response& header(std::string name, std::string value) {
        headers.emplace_back(std::move(name), std::move(value));
        return *this;
    }

    static Response text(unsigned status,
                         std::string body,
                         std::string content_type = "text/plain; charset=utf-8");
    static Response json(unsigned status, std::string body);
    // An error with a short body for the client and a reason for the log.
    static Response error(unsigned status, std::string reason);
};

// "Not Found" for 404, ...
std::string_view statusReason(unsigned status);

// The HTTP status that answers a failure of this kind: invalid_argument 400, not_found 404,
// conflict and failed_precondition 409, permission_denied 403, unavailable 503,
// deadline_exceeded 504, anything else 500.
unsigned httpStatusFor(StatusCode code);

}  // namespace vq::http
