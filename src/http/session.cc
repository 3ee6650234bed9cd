#include "http/session.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <iterator>
#include <memory>
#include <string>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <fmt/format.h>
#include <sys/sendfile.h>

#include "base/log.h"

namespace vq::http::detail {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using net::redirect_error;
using net::use_awaitable;

namespace {

constexpr std::string_view kServerName = "vaquero";

// Counts a request as in flight for graceful shutdown.
class InFlight {
public:
    explicit InFlight(std::atomic<int>& n) : n_(n) { n_.fetch_add(1); }
    ~InFlight() { n_.fetch_sub(1); }
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;

private:
    std::atomic<int>& n_;
};

void setCommonFields(bhttp::fields& f, const Response& resp) {
    f.set(bhttp::field::server, bsv(kServerName));
    if (!resp.content_type.empty())
        f.set(bhttp::field::content_type, bsv(resp.content_type));
    for (const auto& [name, value] : resp.headers)
        f.insert(bsv(name), bsv(value));
}

// A request the parser refused: answer with the right status and close.
unsigned statusForReadError(const beast::error_code& ec) {
    if (ec == bhttp::error::header_limit)
        return 431;
    if (ec == bhttp::error::body_limit)
        return 413;
    return 400;
}

// Sends a file range with sendfile(2), waiting for writability when the socket is full.
// A stalled peer is dropped after write_timeout without progress.
net::awaitable<uint64_t> sendFileRange(beast::tcp_stream& client,
                                       const FileRange& file,
                                       const ServerOptions& options) {
    auto& sock = client.socket();
    beast::error_code ec;
    sock.native_non_blocking(true, ec);
    if (ec)
        co_return 0;
    off_t offset = static_cast<off_t>(file.offset());
    uint64_t remaining = file.length();
    uint64_t sent = 0;
    auto alive = std::make_shared<int>(0);
    net::steady_timer watchdog(client.get_executor());
    auto last_progress = std::chrono::steady_clock::now();
    unsigned waits_without_progress = 0;
    while (remaining > 0) {
        const size_t chunk = static_cast<size_t>(std::min<uint64_t>(remaining, 4u << 20));
        const ssize_t n = ::sendfile(sock.native_handle(), file.fd(), &offset, chunk);
        if (n > 0) {
            remaining -= static_cast<uint64_t>(n);
            sent += static_cast<uint64_t>(n);
            waits_without_progress = 0;
            last_progress = std::chrono::steady_clock::now();
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (waits_without_progress > 0) {
                // The socket was reported writable and still took nothing. Under packet loss
                // this repeats without end (a thousand clients at 2 % loss: millions of
                // sendfile calls a second on one server thread, its other connections
                // starved): pause on a timer, 1 ms doubling to 64 ms, until progress.
                if (std::chrono::steady_clock::now() - last_progress >= options.write_timeout)
                    break;
                net::steady_timer pause(client.get_executor());
                pause.expires_after(
                    std::chrono::milliseconds(1u << std::min(waits_without_progress - 1, 6u)));
                co_await pause.async_wait(redirect_error(use_awaitable, ec));
                if (ec)
                    break;
            }
            ++waits_without_progress;
            watchdog.expires_after(options.write_timeout);
            watchdog.async_wait(
                [weak = std::weak_ptr<int>(alive), s = &sock](const beast::error_code& wec) {
                    if (!wec && !weak.expired()) {
                        beast::error_code ignored;
                        s->cancel(ignored);
                    }
                });
            sock.async_wait(net::ip::tcp::socket::wait_write, redirect_error(use_awaitable, ec));
            watchdog.cancel();
            if (ec)
                break;
            continue;
        }
        break;  // error, or the file shrank under us: the connection must close
    }
    co_return sent;
}

}  // namespace

void LiveStream::close() {
    if (stream == nullptr)
        return;
    beast::error_code ec;
    stream->socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
    stream->cancel();
}

Endpoint toEndpoint(const net::ip::tcp::endpoint& ep) {
    Endpoint out;
    auto addr = ep.address();
    if (addr.is_v6() && addr.to_v6().is_v4_mapped()) {
        addr = net::ip::make_address_v4(net::ip::v4_mapped, addr.to_v6());
    }
    out.address = addr.to_string();
    out.port = ep.port();
    return out;
}

namespace {

// The status line and header block of a buffered answer, written by hand: the same fields
// beast would write (Server, Content-Type, extra headers, Connection: close when not kept
// alive, Content-Length), without a node allocated per field on every request.
std::string headerBlock(const Response& resp, uint64_t length, bool keep_alive) {
    std::string h;
    h.reserve(128 + resp.content_type.size());
    h += "HTTP/1.1 ";
    fmt::format_to(std::back_inserter(h), "{} {}\r\nServer: {}\r\n", resp.status,
                   statusReason(resp.status), kServerName);
    if (!resp.content_type.empty()) {
        h += "Content-Type: ";
        h += resp.content_type;
        h += "\r\n";
    }
    for (const auto& [name, value] : resp.headers) {
        h += name;
        h += ": ";
        h += value;
        h += "\r\n";
    }
    if (!keep_alive)
        h += "Connection: close\r\n";
    fmt::format_to(std::back_inserter(h), "Content-Length: {}\r\n\r\n", length);
    return h;
}

}  // namespace

net::awaitable<bool> writeBuffered(beast::tcp_stream& client,
                                   Response& resp,
                                   bool head,
                                   bool keep_alive,
                                   const ServerOptions& options) {
    const std::string header = headerBlock(resp, resp.body.size(), keep_alive);
    const std::array<net::const_buffer, 2> buffers{
        net::buffer(header), head ? net::const_buffer() : net::buffer(resp.body)};
    // A small answer almost always fits the socket buffer: send it now, without suspending
    // the coroutine, so the observer runs right after the bytes leave (and a completion is
    // not queued for every request). The rest, if any, goes out asynchronously.
    beast::error_code ec;
    auto& sock = client.socket();
    if (!sock.non_blocking())
        sock.non_blocking(true, ec);
    const size_t total = net::buffer_size(buffers);
    const size_t sent = ec ? 0 : sock.write_some(buffers, ec);
    if (!ec && sent == total)
        co_return true;
    if (ec && ec != net::error::would_block && ec != net::error::try_again)
        co_return false;
    beast::buffers_suffix<std::array<net::const_buffer, 2>> rest(buffers);
    rest.consume(sent);
    client.expires_after(options.write_timeout);
    ec = {};
    co_await net::async_write(client, rest, redirect_error(use_awaitable, ec));
    co_return !ec;
}

namespace {

struct Outcome {
    unsigned status = 0;
    uint64_t bytes = 0;
    bool keep_alive = false;
};

net::awaitable<Outcome> writeFile(beast::tcp_stream& client,
                                  Response& resp,
                                  bool head,
                                  bool keep_alive,
                                  const ServerOptions& options) {
    bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(resp.status), 11};
    setCommonFields(res, resp);
    res.keep_alive(keep_alive);
    res.content_length(resp.file->length());
    bhttp::response_serializer<bhttp::empty_body> sr{res};
    client.expires_after(options.write_timeout);
    beast::error_code ec;
    co_await bhttp::async_write_header(client, sr, redirect_error(use_awaitable, ec));
    if (ec)
        co_return Outcome{resp.status, 0, false};
    if (head)
        co_return Outcome{resp.status, 0, keep_alive};
    client.expires_never();
    const uint64_t sent = co_await sendFileRange(client, *resp.file, options);
    co_return Outcome{resp.status, sent, keep_alive && sent == resp.file->length()};
}

// Splits the target into path and query; false when it is not origin-form or the query
// is malformed.
bool splitTarget(Request& req) {
    if (req.target.empty() || req.target[0] != '/')
        return false;
    const size_t q = req.target.find('?');
    req.path = req.target.substr(0, q);
    if (q == std::string::npos)
        return true;
    auto query = Query::parse(std::string_view(req.target).substr(q + 1));
    if (!query)
        return false;
    req.query = std::move(*query);
    return true;
}

}  // namespace

namespace {

// Leaves the connection table however the session ends.
class TableSeat {
public:
    TableSeat(SessionContext& ctx, beast::tcp_stream& stream) : ctx_(ctx) {
        ctx_.live->stream = &stream;
    }
    ~TableSeat() {
        ctx_.live->stream = nullptr;
        ctx_.connections.release(ctx_.slot);
    }
    TableSeat(const TableSeat&) = delete;
    TableSeat& operator=(const TableSeat&) = delete;

private:
    SessionContext& ctx_;
};

}  // namespace

net::awaitable<void> runSession(beast::tcp_stream stream, SessionContext ctx) {
    TableSeat seat(ctx, stream);
    beast::error_code ec;
    const Endpoint local = toEndpoint(stream.socket().local_endpoint(ec));
    const Endpoint remote = toEndpoint(stream.socket().remote_endpoint(ec));
    if (ec)
        co_return;
    stream.socket().set_option(net::ip::tcp::no_delay(true), ec);
    beast::flat_buffer buffer;
    for (;;) {
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(ctx.options.header_limit);
        parser.body_limit(ctx.options.body_limit);
        stream.expires_after(ctx.options.read_timeout);
        ctx.slot->waiting();
        co_await bhttp::async_read(stream, buffer, parser, redirect_error(use_awaitable, ec));
        ctx.slot->busy();
        if (ctx.slot->evicted())
            break;
        // A client gone mid-request (partial_message) is a disconnect, not a request to
        // refuse: nobody reads the answer, and a crowd of them must not flood the log.
        if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
            ec == net::error::eof || ec == beast::error::timeout ||
            ec == net::error::connection_reset || ec == net::error::operation_aborted) {
            break;
        }
        InFlight guard(ctx.in_flight);
        const auto started = std::chrono::steady_clock::now();
        Request req;
        req.local = local;
        req.remote = remote;
        Response resp;
        bool keep_alive = false;
        if (ec) {
            resp = Response::error(statusForReadError(ec), "unreadable request: " + ec.message());
        } else {
            auto& msg = parser.get();
            req.method = msg.method();
            req.target.assign(msg.target().data(), msg.target().size());
            req.fields = &msg.base();
            req.body = std::move(msg.body());
            keep_alive = msg.keep_alive() && !ctx.stopping.load();
            if (!splitTarget(req)) {
                resp = Response::error(400, "malformed request target");
            } else {
                resp = ctx.router.dispatch(req);
            }
        }
        // A client that sent something we could not understand gets no second chance.
        if (resp.status == 400)
            keep_alive = false;
        const bool head = req.method == Method::head;
        Outcome out;
        if (resp.proxy) {
            auto r = co_await relay(stream, req, *resp.proxy, ctx.options);
            out = Outcome{r.status, r.bytes, keep_alive && r.keep_alive};
        } else if (resp.events && !head && resp.status == 200) {
            const uint64_t sent =
                co_await writeEventStream(stream, resp, ctx.options, ctx.stopping);
            out = Outcome{resp.status, sent, false};
        } else if (resp.file) {
            out = co_await writeFile(stream, resp, head, keep_alive, ctx.options);
        } else {
            const uint64_t size = head ? 0 : resp.body.size();
            const bool ok = co_await writeBuffered(stream, resp, head, keep_alive, ctx.options);
            out = Outcome{resp.status, ok ? size : 0, keep_alive && ok};
        }
        const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::steady_clock::now() - started);
        if (!resp.log_reason.empty() && out.status >= 500) {
            VQ_LOG_ERROR("HTTP_ERROR status={} target={} remote={} reason={}", out.status,
                         req.target, remote.address, resp.log_reason);
        } else if (!resp.log_reason.empty()) {
            VQ_LOG_INFO("HTTP_REFUSED status={} target={} remote={} reason={}", out.status,
                        req.target, remote.address, resp.log_reason);
        }
        // Checked here so that nothing is even evaluated per request when debug is off.
        if (spdlog::should_log(spdlog::level::debug)) {
            VQ_LOG_DEBUG("HTTP_RESPONSE method={} target={} status={} bytes={} us={} remote={}",
                         std::string_view(bhttp::to_string(req.method).data(),
                                          bhttp::to_string(req.method).size()),
                         req.target, out.status, out.bytes, elapsed.count(), remote.address);
        }
        if (ctx.observer) {
            ctx.observer(req, Exchange{out.status, out.bytes, elapsed, &resp.log_reason});
        }
        if (!out.keep_alive)
            break;
    }
    stream.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
    stream.close();
}

}  // namespace vq::http::detail
