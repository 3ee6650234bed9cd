// The session side of Server-Sent Events (http/event_stream.h).
#include "http/session.h"
// (session.h first: it fixes an include-order problem of Boost's awaitable.hpp)
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <fmt/format.h>

namespace vq::http::detail {
namespace net = boost::asio;
namespace beast = boost::beast;
using net::redirect_error;
using net::use_awaitable;

namespace {

std::string streamHeader(const Response& resp) {
    std::string h = fmt::format("HTTP/1.1 {} {}\r\nServer: vaquero\r\n", resp.status,
                                statusReason(resp.status));
    h += "Content-Type: text/event-stream\r\nCache-Control: no-cache\r\n";
    for (const auto& [name, value] : resp.headers)
        h += name + ": " + value + "\r\n";
    // No length: the body ends when the connection does.
    h += "Connection: close\r\nX-Accel-Buffering: no\r\n\r\n";
    return h;
}

}  // namespace

net::awaitable<uint64_t> writeEventStream(beast::tcp_stream& client,
                                          Response& resp,
                                          const ServerOptions& options,
                                          const std::atomic<bool>& stopping) {
    const EventStreamTiming timing = resp.event_timing;
    uint64_t sent = 0;
    beast::error_code ec;
    std::string out = streamHeader(resp);
    // An immediate comment: the client sees the stream open before the first message.
    out += ": open\n\n";
    auto last_write = std::chrono::steady_clock::now();
    net::steady_timer timer(client.get_executor());
    while (!stopping.load()) {
        if (!out.empty()) {
            client.expires_after(options.write_timeout);
            co_await net::async_write(client, net::buffer(out), redirect_error(use_awaitable, ec));
            if (ec)
                break;
            sent += out.size();
            out.clear();
            last_write = std::chrono::steady_clock::now();
        }
        timer.expires_after(timing.poll_interval);
        co_await timer.async_wait(redirect_error(use_awaitable, ec));
        if (ec)
            break;
        for (const auto& message : resp.events->poll(timing.max_bytes))
            out += sseFrame(message);
        if (out.empty() && std::chrono::steady_clock::now() - last_write >= timing.heartbeat)
            out = ": keep-alive\n\n";
    }
    client.expires_never();
    co_return sent;
}

}  // namespace vq::http::detail
