#pragma once
// Server-Sent Events (text/event-stream): a response that stays open and carries messages
// as they happen. The session polls the handler's source on a timer and writes what it
// returns; between messages a comment line keeps proxies from closing the connection and
// shows when the client went away. A source hands over at most max_bytes per poll, so a
// connection never holds more than that (a slow client is dropped by the write timeout).

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace vq::http {

class EventSource {
public:
    virtual ~EventSource() = default;
    // The messages to send now (each one SSE event; may be empty), about max_bytes at most.
    virtual std::vector<std::string> poll(size_t max_bytes) = 0;
};

struct EventStreamTiming {
    std::chrono::milliseconds poll_interval{200};
    std::chrono::milliseconds heartbeat{15'000};
    size_t max_bytes = 256 * 1024;
};

// One event: every line of `data` as a `data:` field, then the blank line that ends it.
std::string sseFrame(std::string_view data);

}  // namespace vq::http
