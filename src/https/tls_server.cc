// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>
// (keep the include above first)
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "https/tls_server.h"
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <sys/socket.h>

#include "base/log.h"
#include "http/listen.h"

namespace vq::https {
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using net::redirect_error;
using net::use_awaitable;

namespace {

http::Endpoint toEndpoint(const tcp::endpoint& ep) {
    http::Endpoint out;
    auto addr = ep.address();
    if (addr.is_v6() && addr.to_v6().is_v4_mapped())
        addr = net::ip::make_address_v4(net::ip::v4_mapped, addr.to_v6());
    out.address = addr.to_string();
    out.port = ep.port();
    return out;
}

// Splits the request-target into path and query; false when malformed.
bool splitTarget(http::Request& req) {
    if (req.target.empty() || req.target[0] != '/')
        return false;
    const size_t q = req.target.find('?');
    req.path = req.target.substr(0, q);
    if (q == std::string::npos)
        return true;
    auto query = http::Query::parse(std::string_view(req.target).substr(q + 1));
    if (!query)
        return false;
    req.query = std::move(*query);
    return true;
}

}  // namespace

struct TlsServer::Impl {
    TlsServerOptions options;
    std::shared_ptr<ssl::context> tls;
    http::Router router;
    net::io_context accept_context{1};
    tcp::acceptor acceptor{accept_context};
    std::thread accept_thread;
    std::atomic<bool> stopping{false};
    std::atomic<uint16_t> port{0};
    bool started = false;

    std::mutex mu;
    std::condition_variable idle;
    std::set<int> open_fds;  // of live connections, shut down on stop
    int connections = 0;

    Impl(TlsServerOptions o, std::shared_ptr<ssl::context> t, http::Router r)
        : options(std::move(o)), tls(std::move(t)), router(std::move(r)) {}

    net::awaitable<void> session(beast::ssl_stream<beast::tcp_stream>& stream) {
        beast::error_code ec;
        auto& lowest = beast::get_lowest_layer(stream);
        const http::Endpoint local = toEndpoint(lowest.socket().local_endpoint(ec));
        const http::Endpoint remote = toEndpoint(lowest.socket().remote_endpoint(ec));
        if (ec)
            co_return;
        lowest.expires_after(options.handshake_timeout);
        co_await stream.async_handshake(ssl::stream_base::server,
                                        redirect_error(use_awaitable, ec));
        if (ec) {
            VQ_LOG_INFO("TLS_HANDSHAKE_FAILED remote={} error=\"{}\"", remote.address,
                        ec.message());
            co_return;
        }
        beast::flat_buffer buffer;
        for (;;) {
            bhttp::request_parser<bhttp::string_body> parser;
            parser.header_limit(options.header_limit);
            parser.body_limit(options.body_limit);
            lowest.expires_after(options.read_timeout);
            co_await bhttp::async_read(stream, buffer, parser, redirect_error(use_awaitable, ec));
            if (ec)
                break;
            auto& msg = parser.get();
            http::Request req;
            req.local = local;
            req.remote = remote;
            req.method = msg.method();
            req.target.assign(msg.target().data(), msg.target().size());
            req.fields = &msg.base();
            req.body = std::move(msg.body());
            http::Response resp = splitTarget(req)
                                      ? router.dispatch(req)
                                      : http::Response::error(400, "malformed request target");
            if (!resp.log_reason.empty()) {
                VQ_LOG_INFO("SERVER_API_REFUSED status={} target={} remote={} reason=\"{}\"",
                            resp.status, req.path, remote.address, resp.log_reason);
            }
            const bool keep_alive = msg.keep_alive() && !stopping.load() && resp.status != 400;
            bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(resp.status), 11};
            out.set(bhttp::field::server, "vaquero");
            out.set(bhttp::field::content_type, resp.content_type);
            for (const auto& [name, value] : resp.headers)
                out.insert(name, value);
            out.keep_alive(keep_alive);
            out.body() = std::move(resp.body);
            out.prepare_payload();
            lowest.expires_after(options.write_timeout);
            co_await bhttp::async_write(stream, out, redirect_error(use_awaitable, ec));
            if (ec || !keep_alive)
                break;
        }
        lowest.expires_after(std::chrono::seconds(2));
        co_await stream.async_shutdown(redirect_error(use_awaitable, ec));
    }

    // Runs on the connection's own thread, with its own io_context.
    void serve(int fd, tcp::endpoint::protocol_type protocol) {
        net::io_context ctx(1);
        beast::ssl_stream<beast::tcp_stream> stream(ctx, *tls);
        boost::system::error_code ec;
        beast::get_lowest_layer(stream).socket().assign(protocol, fd, ec);
        if (!ec) {
            net::co_spawn(ctx, session(stream), [](std::exception_ptr e) {
                if (!e)
                    return;
                try {
                    std::rethrow_exception(e);
                } catch (const std::exception& ex) {
                    VQ_LOG_WARN("SERVER_API_SESSION_FAILED error={}", ex.what());
                }
            });
            ctx.run();
        }
        std::lock_guard lock(mu);
        open_fds.erase(fd);
        // The socket (and fd) closes when `stream` goes, after the fd left the set: stop()
        // never shuts down a number the system already gave to someone else.
        beast::get_lowest_layer(stream).socket().close(ec);
        --connections;
        idle.notify_all();
    }

    net::awaitable<void> acceptLoop(std::shared_ptr<Impl> self) {
        net::steady_timer pause(accept_context);
        uint64_t failures = 0;
        for (;;) {
            boost::system::error_code ec;
            tcp::socket socket(accept_context);
            co_await acceptor.async_accept(socket, redirect_error(use_awaitable, ec));
            if (stopping.load() || ec == net::error::operation_aborted)
                co_return;
            if (ec) {
                // Out of descriptors: pause rather than spin on a queue that fails at once.
                if (failures++ % 100 == 0)
                    VQ_LOG_WARN("SERVER_API_ACCEPT_FAILED error={} failures={}", ec.message(),
                                failures);
                pause.expires_after(std::chrono::milliseconds(50));
                co_await pause.async_wait(redirect_error(use_awaitable, ec));
                continue;
            }
            std::unique_lock lock(mu);
            if (connections >= options.max_connections) {
                lock.unlock();
                VQ_LOG_WARN("SERVER_API_BUSY connections={}", options.max_connections);
                continue;  // the socket closes here
            }
            ++connections;
            const auto protocol = socket.local_endpoint(ec).protocol();
            const int fd = socket.release(ec);
            open_fds.insert(fd);
            lock.unlock();
            std::thread([self, fd, protocol] { self->serve(fd, protocol); }).detach();
        }
    }
};

TlsServer::TlsServer(TlsServerOptions options,
                     std::shared_ptr<ssl::context> tls,
                     http::Router router)
    : impl_(std::make_shared<Impl>(std::move(options), std::move(tls), std::move(router))) {}

TlsServer::~TlsServer() {
    stop();
}

uint16_t TlsServer::port() const {
    return impl_->port.load();
}

Status TlsServer::start() {
    auto& d = *impl_;
    if (d.started)
        return Status::error("https server already started");
    VQ_TRY(http::listenOn(d.acceptor, d.options.address, d.options.port));
    d.port = d.acceptor.local_endpoint().port();
    d.started = true;
    net::co_spawn(d.accept_context, d.acceptLoop(impl_), net::detached);
    d.accept_thread = std::thread([&d] { d.accept_context.run(); });
    VQ_LOG_INFO("SERVER_API_LISTENING addr={} port={} tls=on", d.options.address, d.port.load());
    return Status::ok();
}

void TlsServer::stop() {
    auto& d = *impl_;
    if (!d.started)
        return;
    d.started = false;
    d.stopping = true;
    net::post(d.accept_context, [&d] {
        boost::system::error_code ignored;
        d.acceptor.close(ignored);
    });
    d.accept_thread.join();
    std::unique_lock lock(d.mu);
    for (int fd : d.open_fds)
        ::shutdown(fd, SHUT_RDWR);
    // Connections end at their next read or write; a handler still waiting has its owner's
    // stop() to wake it.
    d.idle.wait_for(lock, d.options.stop_wait, [&d] { return d.connections == 0; });
    VQ_LOG_INFO("SERVER_API_STOPPED port={} connections_left={}", d.port.load(), d.connections);
}

}  // namespace vq::https
