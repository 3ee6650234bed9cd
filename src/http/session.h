#pragma once
// Internal to the http module: one connection's coroutine and the pieces it uses.

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>
// (keep the include above first)
#include <atomic>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "http/connection_table.h"
#include "http/request.h"
#include "http/response.h"
#include "http/server.h"

namespace vq::http::detail {

// Where an eviction finds the connection's stream; set and cleared by the session and read
// only on the session's own thread (the eviction is posted there).
struct LiveStream {
    boost::beast::tcp_stream* stream = nullptr;
    void close();
};

struct SessionContext {
    const ServerOptions& options;
    const Router& router;
    const Observer& observer;
    std::atomic<int>& in_flight;
    std::atomic<bool>& stopping;
    ConnectionTable& connections;
    std::shared_ptr<ConnectionTable::Slot> slot;
    std::shared_ptr<LiveStream> live;
};

boost::asio::awaitable<void> runSession(boost::beast::tcp_stream stream, SessionContext ctx);

// Streams a proxied response to the client. Returns the body bytes sent and whether the
// connection may be kept alive.
struct RelayResult {
    unsigned status = 502;
    uint64_t bytes = 0;
    bool keep_alive = false;
};
boost::asio::awaitable<RelayResult> relay(boost::beast::tcp_stream& client,
                                          const Request& req,
                                          const ProxyTarget& target,
                                          const ServerOptions& options);

// Writes a whole buffered response; returns false when the connection broke.
boost::asio::awaitable<bool> writeBuffered(boost::beast::tcp_stream& client,
                                           Response& resp,
                                           bool head,
                                           bool keep_alive,
                                           const ServerOptions& options);

// Keeps a text/event-stream open, polling resp.events, until the client goes, a write
// fails or the server stops. Returns the bytes sent.
boost::asio::awaitable<uint64_t> writeEventStream(boost::beast::tcp_stream& client,
                                                  Response& resp,
                                                  const ServerOptions& options,
                                                  const std::atomic<bool>& stopping);

inline boost::beast::string_view bsv(std::string_view s) {
    return {s.data(), s.size()};
}

Endpoint toEndpoint(const boost::asio::ip::tcp::endpoint& ep);

}  // namespace vq::http::detail
