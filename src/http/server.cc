#include "http/server.h"

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/log.h"
#include "http/listen.h"
#include "http/session.h"

namespace vq::http {
namespace net = boost::asio;
using tcp = net::ip::tcp;

std::string Endpoint::hostPort() const {
    if (address.find(':') != std::string::npos) {
        return "[" + address + "]:" + std::to_string(port);
    }
    return address + ":" + std::to_string(port);
}

// One io_context per thread, each run by its thread alone, and every connection owned by
// one of them (round robin at accept): a connection's handlers never cross threads, so no
// strand and no shared scheduler queue sit on the per-request path. The first context
// also runs the acceptor.
struct Server::Impl {
    using WorkGuard = net::executor_work_guard<net::io_context::executor_type>;

    Impl(ServerOptions o, Router r)
        : options(std::move(o)),
          router(std::move(r)),
          connections(connectionLimitFor(options.max_connections)),
          contexts(makeContexts(options.threads)),
          acceptor(*contexts.front()) {}

    static std::vector<std::unique_ptr<net::io_context>> makeContexts(int threads) {
        std::vector<std::unique_ptr<net::io_context>> out;
        const int n = threads > 0 ? threads : 1;
        for (int i = 0; i < n; ++i)
            out.push_back(std::make_unique<net::io_context>(1));
        return out;
    }

    // Destroyed in reverse order: sessions (owned by the contexts) go before the router,
    // options and observer they refer to.
    ServerOptions options;
    Router router;
    Observer observer;
    ConnectionTable connections;
    std::vector<std::unique_ptr<net::io_context>> contexts;
    std::vector<WorkGuard> guards;
    tcp::acceptor acceptor;
    std::vector<std::thread> threads;
    std::atomic<int> in_flight{0};
    std::atomic<bool> stopping{false};
    std::atomic<uint16_t> port{0};
    std::mutex stop_mutex;
    bool started = false;

    net::awaitable<void> acceptLoop() {
        size_t next = 0;
        net::steady_timer pause(acceptor.get_executor());
        uint64_t failures = 0;
        for (;;) {
            boost::system::error_code ec;
            tcp::socket socket(*contexts[next]);
            next = (next + 1) % contexts.size();
            co_await acceptor.async_accept(socket, net::redirect_error(net::use_awaitable, ec));
            if (stopping.load() || ec == net::error::operation_aborted)
                co_return;
            if (ec) {
                // Out of descriptors and the like: keep serving the connections we have, and
                // pause rather than spin on a listen queue that fails again at once.
                if (failures++ % 100 == 0)
                    VQ_LOG_WARN("HTTP_ACCEPT_FAILED error={} failures={}", ec.message(), failures);
                pause.expires_after(std::chrono::milliseconds(50));
                co_await pause.async_wait(net::redirect_error(net::use_awaitable, ec));
                continue;
            }
            auto ex = socket.get_executor();
            auto live = std::make_shared<detail::LiveStream>();
            auto slot = connections.admit([ex, live] { net::post(ex, [live] { live->close(); }); });
            if (!slot) {
                if (connections.refusedCount() % 1000 == 1)
                    VQ_LOG_WARN("HTTP_CONNECTIONS_FULL limit={} busy=all refused={}",
                                connections.limit(), connections.refusedCount());
                socket.close(ec);
                continue;
            }
            if (connections.evictedCount() % 1000 == 1 && connections.open() >= connections.limit())
                VQ_LOG_WARN("HTTP_CONNECTIONS_FULL limit={} evicted_waiting={}",
                            connections.limit(), connections.evictedCount());
            detail::SessionContext ctx{options,  router,      observer,        in_flight,
                                       stopping, connections, std::move(slot), std::move(live)};
            net::co_spawn(ex, detail::runSession(boost::beast::tcp_stream(std::move(socket)), ctx),
                          [](std::exception_ptr e) {
                              if (!e)
                                  return;
                              try {
                                  std::rethrow_exception(e);
                              } catch (const std::exception& ex2) {
                                  VQ_LOG_WARN("HTTP_SESSION_FAILED error={}", ex2.what());
                              }
                          });
        }
    }
};

Server::Server(ServerOptions options, Router router)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router))) {}

Server::~Server() {
    stop();
}

void Server::setObserver(Observer observer) {
    impl_->observer = std::move(observer);
}

uint16_t Server::port() const {
    return impl_->port.load();
}

ConnectionStats Server::connectionStats() const {
    const auto& t = impl_->connections;
    return ConnectionStats{t.open(), t.limit(), t.evictedCount(), t.refusedCount()};
}

Status Server::start() {
    auto& d = *impl_;
    if (d.started)
        return Status::error("http server already started");
    VQ_TRY(http::listenOn(d.acceptor, d.options.address, d.options.port));
    d.port = d.acceptor.local_endpoint().port();
    d.started = true;
    net::co_spawn(*d.contexts.front(), d.acceptLoop(), net::detached);
    const int n = static_cast<int>(d.contexts.size());
    for (auto& ctx : d.contexts) {
        d.guards.push_back(net::make_work_guard(*ctx));
        d.threads.emplace_back([c = ctx.get()] { c->run(); });
    }
    VQ_LOG_INFO("HTTP_LISTENING addr={} port={} threads={} max_connections={}", d.options.address,
                d.port.load(), n, d.connections.limit());
    return Status::ok();
}

void Server::stop() {
    auto& d = *impl_;
    std::lock_guard lock(d.stop_mutex);
    if (!d.started)
        return;
    d.started = false;
    d.stopping = true;
    net::post(d.acceptor.get_executor(), [&d] {
        boost::system::error_code ignored;
        d.acceptor.close(ignored);
    });
    // Requests being answered finish; idle keep-alive connections are simply dropped.
    const auto deadline = std::chrono::steady_clock::now() + d.options.drain_timeout;
    while (d.in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    d.guards.clear();
    for (auto& ctx : d.contexts)
        ctx->stop();
    for (auto& t : d.threads)
        t.join();
    d.threads.clear();
    // The close posted above does not run when the contexts stop first; with no thread left
    // to race, the port is released here for sure (a successor may bind it at once).
    boost::system::error_code ignored;
    d.acceptor.close(ignored);
    VQ_LOG_INFO("HTTP_STOPPED port={}", d.port.load());
}

}  // namespace vq::http
