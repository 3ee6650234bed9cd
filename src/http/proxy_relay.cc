// Streaming reverse proxy to a CDN: the body is relayed chunk by chunk, never held whole,
// so multi-gigabyte images pass through in constant memory.

#include <array>
#include <limits>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "base/log.h"
#include "http/session.h"

namespace vq::http::detail {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using net::redirect_error;
using net::use_awaitable;

namespace {

// Request headers worth passing to the origin (conditional and partial requests).
constexpr bhttp::field kForwarded[] = {
    bhttp::field::range,           bhttp::field::if_range,          bhttp::field::if_none_match,
    bhttp::field::if_match,        bhttp::field::if_modified_since, bhttp::field::accept,
    bhttp::field::accept_encoding, bhttp::field::user_agent,
};

bool isHopByHop(bhttp::field f) {
    switch (f) {
        case bhttp::field::connection:
        case bhttp::field::keep_alive:
        case bhttp::field::transfer_encoding:
        case bhttp::field::te:
        case bhttp::field::trailer:
        case bhttp::field::upgrade:
        case bhttp::field::proxy_authenticate:
        case bhttp::field::proxy_authorization:
        case bhttp::field::content_length:
            return true;
        default:
            return false;
    }
}

net::awaitable<RelayResult> fail(beast::tcp_stream& client,
                                 bool head,
                                 std::string reason,
                                 const ServerOptions& options) {
    VQ_LOG_ERROR("HTTP_PROXY_FAILED reason={}", reason);
    auto resp = Response::error(502, std::move(reason));
    const uint64_t size = head ? 0 : resp.body.size();
    const bool ok = co_await writeBuffered(client, resp, head, false, options);
    co_return RelayResult{502, ok ? size : 0, false};
}

}  // namespace

net::awaitable<RelayResult> relay(beast::tcp_stream& client,
                                  const Request& req,
                                  const ProxyTarget& target,
                                  const ServerOptions& options) {
    const bool head = req.method == Method::head;
    auto ex = client.get_executor();
    beast::error_code ec;
    net::ip::tcp::resolver resolver(ex);
    auto endpoints = co_await resolver.async_resolve(target.host, std::to_string(target.port),
                                                     redirect_error(use_awaitable, ec));
    if (ec)
        co_return co_await fail(client, head, "resolve " + target.host + ": " + ec.message(),
                                options);

    beast::tcp_stream upstream(ex);
    upstream.expires_after(options.upstream_timeout);
    co_await upstream.async_connect(endpoints, redirect_error(use_awaitable, ec));
    if (ec) {
        co_return co_await fail(
            client, head,
            "connect " + target.host + ":" + std::to_string(target.port) + ": " + ec.message(),
            options);
    }

    bhttp::request<bhttp::string_body> ureq{target.whole_request ? req.method
                                            : head               ? bhttp::verb::head
                                                                 : bhttp::verb::get,
                                            target.target, 11};
    if (target.whole_request) {
        if (req.fields != nullptr) {
            for (const auto& f : *req.fields) {
                // Expect: the body is read already and goes along with the request.
                if (!isHopByHop(f.name()) && f.name() != bhttp::field::host &&
                    f.name() != bhttp::field::expect)
                    ureq.insert(f.name(), f.name_string(), f.value());
            }
        }
        ureq.set("X-Forwarded-For", req.remote.address);
        ureq.body() = req.body;
        ureq.prepare_payload();
    } else {
        for (const auto f : kForwarded) {
            auto v = req.header(
                std::string_view(bhttp::to_string(f).data(), bhttp::to_string(f).size()));
            if (!v.empty())
                ureq.set(f, bsv(v));
        }
    }
    ureq.set(bhttp::field::host, target.host + ":" + std::to_string(target.port));
    ureq.keep_alive(false);
    co_await bhttp::async_write(upstream, ureq, redirect_error(use_awaitable, ec));
    if (ec)
        co_return co_await fail(client, head, "send to origin: " + ec.message(), options);

    bhttp::response_parser<bhttp::buffer_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    if (head)
        parser.skip(true);
    beast::flat_buffer ubuf;
    co_await bhttp::async_read_header(upstream, ubuf, parser, redirect_error(use_awaitable, ec));
    if (ec)
        co_return co_await fail(client, head, "origin response: " + ec.message(), options);

    const auto& ures = parser.get();
    bhttp::response<bhttp::empty_body> res{ures.result(), 11};
    for (const auto& f : ures) {
        if (!isHopByHop(f.name()))
            res.insert(f.name(), f.name_string(), f.value());
    }
    res.set(bhttp::field::server, "vaquero");
    const auto length = parser.content_length();
    const bool body_expected = !head && !parser.is_done();
    // Without a length the body ends when we close: no re-chunking needed.
    const bool keep_alive = length.has_value() || !body_expected;
    if (length)
        res.content_length(*length);
    res.keep_alive(keep_alive);
    bhttp::response_serializer<bhttp::empty_body> sr{res};
    client.expires_after(options.write_timeout);
    co_await bhttp::async_write_header(client, sr, redirect_error(use_awaitable, ec));
    if (ec)
        co_return RelayResult{ures.result_int(), 0, false};

    RelayResult result{ures.result_int(), 0, keep_alive};
    std::array<char, 64 * 1024> chunk;
    while (body_expected && !parser.is_done()) {
        parser.get().body().data = chunk.data();
        parser.get().body().size = chunk.size();
        upstream.expires_after(options.write_timeout);
        co_await bhttp::async_read(upstream, ubuf, parser, redirect_error(use_awaitable, ec));
        if (ec == bhttp::error::need_buffer)
            ec = {};
        const size_t n = chunk.size() - parser.get().body().size;
        if (n > 0) {
            client.expires_after(options.write_timeout);
            beast::error_code wec;
            co_await net::async_write(client, net::buffer(chunk.data(), n),
                                      redirect_error(use_awaitable, wec));
            if (wec) {
                result.keep_alive = false;
                break;
            }
            result.bytes += n;
        }
        if (ec) {
            // The origin broke mid-body; the client sees a short body and a closed connection.
            VQ_LOG_ERROR("HTTP_PROXY_FAILED reason=origin body: {}", ec.message());
            result.keep_alive = false;
            break;
        }
    }
    beast::error_code ignored;
    upstream.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
    co_return result;
}

}  // namespace vq::http::detail
