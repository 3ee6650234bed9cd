// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>
// (keep the include above first)
#include "etcd/http_transport.h"
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace vq::etcd {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using net::redirect_error;
using net::use_awaitable;

namespace {

// What one attempt on one member came to: `connected` tells whether the request may have
// reached it (then it is not sent again elsewhere).
struct Attempt {
    bool connected = false;
    Status status;
};

bhttp::request<bhttp::string_body> makeRequest(const Endpoint& ep,
                                               std::string_view path,
                                               const std::string& body) {
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, std::string(path), 11};
    req.set(bhttp::field::host, ep.host + ":" + ep.port);
    req.set(bhttp::field::content_type, "application/json");
    req.keep_alive(false);
    req.body() = body;
    req.prepare_payload();
    return req;
}

// Runs `body` (a coroutine) on its own io_context until it ends; an exception is a failure.
template <typename Coroutine>
void runOn(net::io_context& ctx, Coroutine&& coroutine, Attempt& attempt) {
    net::co_spawn(ctx, std::forward<Coroutine>(coroutine), [&attempt](std::exception_ptr e) {
        if (!e)
            return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            attempt.status = Status::unavailable(std::string("etcd request failed: ") + ex.what());
        }
    });
    ctx.run();
}

}  // namespace

Result<Endpoint> parseEndpoint(std::string_view url) {
    std::string_view rest = url;
    if (rest.starts_with("https://"))
        return Status::invalidArgument("etcd endpoint " + std::string(url) +
                                       ": https is not supported; use http://");
    if (rest.starts_with("http://"))
        rest.remove_prefix(7);
    while (!rest.empty() && rest.back() == '/')
        rest.remove_suffix(1);
    const size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size())
        return Status::invalidArgument("etcd endpoint " + std::string(url) +
                                       ": expected http://HOST:PORT");
    Endpoint ep{std::string(rest.substr(0, colon)), std::string(rest.substr(colon + 1))};
    if (ep.host.front() == '[' && ep.host.back() == ']')
        ep.host = ep.host.substr(1, ep.host.size() - 2);
    for (char c : ep.port) {
        if (c < '0' || c > '9')
            return Status::invalidArgument("etcd endpoint " + std::string(url) + ": bad port");
    }
    return ep;
}

Result<std::unique_ptr<HttpTransport>> HttpTransport::create(HttpTransportOptions options) {
    if (options.endpoints.empty())
        return Status::invalidArgument("Etcd.Endpoints: at least one endpoint is needed");
    std::vector<Endpoint> endpoints;
    for (const auto& url : options.endpoints) {
        auto ep = parseEndpoint(url);
        if (!ep)
            return ep.status();
        endpoints.push_back(*ep);
    }
    return std::unique_ptr<HttpTransport>(
        new HttpTransport(std::move(options), std::move(endpoints)));
}

Result<TransportReply> HttpTransport::post(std::string_view path,
                                           const std::string& body,
                                           std::chrono::milliseconds timeout) {
    const size_t tries = endpoints_.size() + static_cast<size_t>(std::max(0, options_.retry));
    std::string errors;
    const size_t start = first();
    for (size_t i = 0; i < tries; ++i) {
        const size_t index = (start + i) % endpoints_.size();
        const Endpoint& ep = endpoints_[index];
        net::io_context ctx(1);
        beast::tcp_stream stream(ctx);
        TransportReply reply;
        Attempt attempt;
        auto exchange = [&]() -> net::awaitable<void> {
            beast::error_code ec;
            const std::string where = "etcd " + ep.host + ":" + ep.port;
            tcp::resolver resolver(ctx);
            auto addrs = co_await resolver.async_resolve(ep.host, ep.port,
                                                         redirect_error(use_awaitable, ec));
            if (ec) {
                attempt.status = Status::unavailable(where + ": resolve: " + ec.message());
                co_return;
            }
            stream.expires_after(std::min(options_.connect_timeout, timeout));
            co_await stream.async_connect(addrs, redirect_error(use_awaitable, ec));
            if (ec) {
                attempt.status = Status::unavailable(where + ": connect: " + ec.message());
                co_return;
            }
            attempt.connected = true;
            stream.expires_after(timeout);
            auto req = makeRequest(ep, path, body);
            co_await bhttp::async_write(stream, req, redirect_error(use_awaitable, ec));
            if (ec) {
                attempt.status = Status::unavailable(where + ": send: " + ec.message());
                co_return;
            }
            beast::flat_buffer buffer;
            bhttp::response_parser<bhttp::string_body> parser;
            parser.body_limit(1ull << 31);
            co_await bhttp::async_read(stream, buffer, parser, redirect_error(use_awaitable, ec));
            if (ec) {
                attempt.status = ec == beast::error::timeout
                                     ? Status::deadlineExceeded(where + ": no answer in time")
                                     : Status::unavailable(where + ": receive: " + ec.message());
                co_return;
            }
            reply.status = parser.get().result_int();
            reply.body = std::move(parser.get().body());
        };
        runOn(ctx, exchange(), attempt);
        if (attempt.status) {
            preferred_.store(index);
            return reply;
        }
        if (attempt.connected)
            return attempt.status;
        errors += (errors.empty() ? "" : "; ") + attempt.status.message();
    }
    return Status::unavailable("no etcd member answered: " + errors);
}

Status HttpTransport::stream(std::string_view path,
                             const std::string& body,
                             const std::function<bool(std::string_view)>& on_line,
                             const std::shared_ptr<StreamCancel>& cancel) {
    std::string errors;
    const size_t start = first();
    for (size_t i = 0; i < endpoints_.size(); ++i) {
        const size_t index = (start + i) % endpoints_.size();
        const Endpoint& ep = endpoints_[index];
        auto ctx = std::make_shared<net::io_context>(1);
        cancel->onCancel([ctx] { ctx->stop(); });
        if (cancel->cancelled()) {
            cancel->onCancel(nullptr);
            return Status::ok();
        }
        beast::tcp_stream stream(*ctx);
        Attempt attempt;
        bool stopped = false;
        auto exchange = [&]() -> net::awaitable<void> {
            beast::error_code ec;
            const std::string where = "etcd " + ep.host + ":" + ep.port;
            tcp::resolver resolver(*ctx);
            auto addrs = co_await resolver.async_resolve(ep.host, ep.port,
                                                         redirect_error(use_awaitable, ec));
            if (ec) {
                attempt.status = Status::unavailable(where + ": resolve: " + ec.message());
                co_return;
            }
            stream.expires_after(options_.connect_timeout);
            co_await stream.async_connect(addrs, redirect_error(use_awaitable, ec));
            if (ec) {
                attempt.status = Status::unavailable(where + ": connect: " + ec.message());
                co_return;
            }
            attempt.connected = true;
            auto req = makeRequest(ep, path, body);
            co_await bhttp::async_write(stream, req, redirect_error(use_awaitable, ec));
            if (ec) {
                attempt.status = Status::unavailable(where + ": send: " + ec.message());
                co_return;
            }
            // A stream has no end in time: only cancel() or the member ends it.
            stream.expires_never();
            beast::flat_buffer buffer;
            bhttp::response_parser<bhttp::string_body> parser;
            parser.body_limit(boost::none);
            std::string pending;
            auto take = [&](std::string_view data) {
                pending.append(data);
                size_t nl;
                while (!stopped && (nl = pending.find('\n')) != std::string::npos) {
                    std::string line = pending.substr(0, nl);
                    pending.erase(0, nl + 1);
                    if (!line.empty() && !on_line(line))
                        stopped = true;
                }
            };
            auto on_chunk = [&](uint64_t, beast::string_view data, beast::error_code&) {
                take(std::string_view(data.data(), data.size()));
                return data.size();
            };
            parser.on_chunk_body(on_chunk);
            co_await bhttp::async_read_header(stream, buffer, parser,
                                              redirect_error(use_awaitable, ec));
            if (ec) {
                attempt.status = Status::unavailable(where + ": receive: " + ec.message());
                co_return;
            }
            if (parser.get().result_int() != 200) {
                attempt.status = Status::unavailable(where + ": watch answered HTTP " +
                                                     std::to_string(parser.get().result_int()));
                co_return;
            }
            while (!stopped && !parser.is_done()) {
                co_await bhttp::async_read_some(stream, buffer, parser,
                                                redirect_error(use_awaitable, ec));
                if (ec) {
                    attempt.status = Status::unavailable(where + ": stream: " + ec.message());
                    co_return;
                }
            }
            // An answer that was not chunked arrives in the body at once.
            take(parser.get().body());
            if (!stopped && !pending.empty())
                on_line(pending);
            attempt.status = Status::unavailable(where + ": the stream ended");
        };
        runOn(*ctx, exchange(), attempt);
        cancel->onCancel(nullptr);
        if (cancel->cancelled()) {
            // Stopped mid-read: let the coroutine see its socket closed and end, so nothing
            // of it outlives this frame.
            stopped = true;
            beast::error_code ignored;
            stream.socket().close(ignored);
            ctx->restart();
            ctx->run();
        }
        if (stopped)
            return Status::ok();
        if (attempt.connected)
            return attempt.status;
        errors += (errors.empty() ? "" : "; ") + attempt.status.message();
    }
    return Status::unavailable("no etcd member answered: " + errors);
}

}  // namespace vq::etcd
