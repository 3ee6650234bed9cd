// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>
// (keep the include above first)
#include "etcd/http_transport.h"
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace vq::etcd {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
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

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// After the TCP connection: nothing more for plain HTTP; for TLS the handshake, with the
// member's certificate checked against the endpoint's host name or address.
net::awaitable<Status> secure(PlainStream&, const Endpoint&, const std::string&) {
    co_return Status::ok();
}

net::awaitable<Status> secure(TlsStream& stream, const Endpoint& ep, const std::string& where) {
    beast::error_code ec;
    net::ip::make_address(ep.host, ec);
    SSL* handle = stream.native_handle();
    X509_VERIFY_PARAM* param = SSL_get0_param(handle);
    // OpenSSL checks the name while verifying the chain; SNI for names only (an address in
    // SNI is not allowed).
    const bool named =
        !ec ? X509_VERIFY_PARAM_set1_ip_asc(param, ep.host.c_str()) == 1
            : SSL_set_tlsext_host_name(handle, ep.host.c_str()) == 1 &&
                  X509_VERIFY_PARAM_set1_host(param, ep.host.c_str(), ep.host.size()) == 1;
    if (!named)
        co_return Status::unavailable(where + ": tls: cannot set the expected member name");
    co_await stream.async_handshake(ssl::stream_base::client, redirect_error(use_awaitable, ec));
    if (!ec)
        co_return Status::ok();
    const long verify = SSL_get_verify_result(stream.native_handle());
    if (ec.category() != net::error::get_ssl_category())
        co_return Status::unavailable(where + ": tls handshake: " + ec.message());
    // Refused by either side: trying again will not help, the settings must change.
    if (verify != X509_V_OK)
        co_return Status::withCode(StatusCode::permission_denied,
                                   where + ": tls handshake: certificate refused: " +
                                       X509_verify_cert_error_string(verify));
    co_return Status::withCode(StatusCode::permission_denied,
                               where + ": tls handshake: " + ec.message());
}

// A failure after the connection was made. A TLS alert is the member refusing us (with
// TLS 1.3 a missing or unknown client certificate shows here, not in the handshake).
Status failedAfterConnect(const std::string& where,
                          std::string_view step,
                          const beast::error_code& ec) {
    if (ec.category() == net::error::get_ssl_category())
        return Status::withCode(StatusCode::permission_denied,
                                where + ": " + std::string(step) + ": tls: " + ec.message() +
                                    " (does the member accept this client certificate?)");
    return Status::unavailable(where + ": " + std::string(step) + ": " + ec.message());
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
    const bool tls = rest.starts_with("https://");
    if (tls)
        rest.remove_prefix(8);
    else if (rest.starts_with("http://"))
        rest.remove_prefix(7);
    while (!rest.empty() && rest.back() == '/')
        rest.remove_suffix(1);
    const size_t colon = rest.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size())
        return Status::invalidArgument("etcd endpoint " + std::string(url) +
                                       ": expected http://HOST:PORT or https://HOST:PORT");
    Endpoint ep{std::string(rest.substr(0, colon)), std::string(rest.substr(colon + 1)), tls};
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
        if (ep->tls && !options.tls)
            return Status::invalidArgument("etcd endpoint " + url + ": https needs TLS settings");
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
    bool refused = true;  // every member refused TLS (so far)
    const size_t start = first();
    for (size_t i = 0; i < tries; ++i) {
        const size_t index = (start + i) % endpoints_.size();
        const Endpoint& ep = endpoints_[index];
        net::io_context ctx(1);
        TransportReply reply;
        Attempt attempt;
        auto exchange = [&](auto& stream) -> net::awaitable<void> {
            auto& tcp_layer = beast::get_lowest_layer(stream);
            beast::error_code ec;
            const std::string where = "etcd " + ep.host + ":" + ep.port;
            tcp::resolver resolver(ctx);
            auto addrs = co_await resolver.async_resolve(ep.host, ep.port,
                                                         redirect_error(use_awaitable, ec));
            if (ec) {
                attempt.status = Status::unavailable(where + ": resolve: " + ec.message());
                co_return;
            }
            tcp_layer.expires_after(std::min(options_.connect_timeout, timeout));
            co_await tcp_layer.async_connect(addrs, redirect_error(use_awaitable, ec));
            if (ec) {
                attempt.status = Status::unavailable(where + ": connect: " + ec.message());
                co_return;
            }
            if (Status st = co_await secure(stream, ep, where); !st) {
                attempt.status = st;
                co_return;
            }
            attempt.connected = true;
            tcp_layer.expires_after(timeout);
            auto req = makeRequest(ep, path, body);
            co_await bhttp::async_write(stream, req, redirect_error(use_awaitable, ec));
            if (ec) {
                attempt.status = failedAfterConnect(where, "send", ec);
                co_return;
            }
            beast::flat_buffer buffer;
            bhttp::response_parser<bhttp::string_body> parser;
            parser.body_limit(1ull << 31);
            co_await bhttp::async_read(stream, buffer, parser, redirect_error(use_awaitable, ec));
            if (ec) {
                attempt.status = ec == beast::error::timeout
                                     ? Status::deadlineExceeded(where + ": no answer in time")
                                     : failedAfterConnect(where, "receive", ec);
                co_return;
            }
            reply.status = parser.get().result_int();
            reply.body = std::move(parser.get().body());
        };
        if (ep.tls) {
            TlsStream stream(ctx, *options_.tls);
            runOn(ctx, exchange(stream), attempt);
        } else {
            PlainStream stream(ctx);
            runOn(ctx, exchange(stream), attempt);
        }
        if (attempt.status) {
            preferred_.store(index);
            return reply;
        }
        if (attempt.connected)
            return attempt.status;
        refused = refused && attempt.status.code() == StatusCode::permission_denied;
        errors += (errors.empty() ? "" : "; ") + attempt.status.message();
    }
    if (refused)
        return Status::withCode(StatusCode::permission_denied,
                                "no etcd member accepted the TLS connection: " + errors);
    return Status::unavailable("no etcd member answered: " + errors);
}

Status HttpTransport::stream(std::string_view path,
                             const std::string& body,
                             const std::function<bool(std::string_view)>& on_line,
                             const std::shared_ptr<StreamCancel>& cancel) {
    std::string errors;
    bool refused = true;  // every member refused TLS (so far)
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
        Attempt attempt;
        bool stopped = false;
        auto exchange = [&](auto& stream) -> net::awaitable<void> {
            auto& tcp_layer = beast::get_lowest_layer(stream);
            beast::error_code ec;
            const std::string where = "etcd " + ep.host + ":" + ep.port;
            tcp::resolver resolver(*ctx);
            auto addrs = co_await resolver.async_resolve(ep.host, ep.port,
                                                         redirect_error(use_awaitable, ec));
            if (ec) {
                attempt.status = Status::unavailable(where + ": resolve: " + ec.message());
                co_return;
            }
            tcp_layer.expires_after(options_.connect_timeout);
            co_await tcp_layer.async_connect(addrs, redirect_error(use_awaitable, ec));
            if (ec) {
                attempt.status = Status::unavailable(where + ": connect: " + ec.message());
                co_return;
            }
            if (Status st = co_await secure(stream, ep, where); !st) {
                attempt.status = st;
                co_return;
            }
            attempt.connected = true;
            auto req = makeRequest(ep, path, body);
            co_await bhttp::async_write(stream, req, redirect_error(use_awaitable, ec));
            if (ec) {
                attempt.status = failedAfterConnect(where, "send", ec);
                co_return;
            }
            // A stream has no end in time: only cancel() or the member ends it.
            tcp_layer.expires_never();
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
                attempt.status = failedAfterConnect(where, "receive", ec);
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
                    attempt.status = failedAfterConnect(where, "stream", ec);
                    co_return;
                }
            }
            // An answer that was not chunked arrives in the body at once.
            take(parser.get().body());
            if (!stopped && !pending.empty())
                on_line(pending);
            attempt.status = Status::unavailable(where + ": the stream ended");
        };
        // Stopped mid-read: let the coroutine see its socket closed and end, so nothing of
        // it outlives the stream.
        auto run = [&](auto& stream) {
            runOn(*ctx, exchange(stream), attempt);
            cancel->onCancel(nullptr);
            if (cancel->cancelled()) {
                stopped = true;
                beast::error_code ignored;
                beast::get_lowest_layer(stream).socket().close(ignored);
                ctx->restart();
                ctx->run();
            }
        };
        if (ep.tls) {
            TlsStream stream(*ctx, *options_.tls);
            run(stream);
        } else {
            PlainStream stream(*ctx);
            run(stream);
        }
        if (stopped)
            return Status::ok();
        if (attempt.connected)
            return attempt.status;
        refused = refused && attempt.status.code() == StatusCode::permission_denied;
        errors += (errors.empty() ? "" : "; ") + attempt.status.message();
    }
    if (refused)
        return Status::withCode(StatusCode::permission_denied,
                                "no etcd member accepted the TLS connection: " + errors);
    return Status::unavailable("no etcd member answered: " + errors);
}

}  // namespace vq::etcd
