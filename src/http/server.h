#pragma once
// The agent's HTTP/1.1 server: Boost.Beast over one io_context run by N threads, keep-alive,
// request size limits and timeouts. Handlers are plain functions (router.h) that return a
// complete Response; the server does the I/O, including zero-copy file sending and CDN
// streaming.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/result.h"
#include "http/router.h"

namespace vq::http {

struct ServerOptions {
    std::string address = "0.0.0.0";
    uint16_t port = 24602;  // 0 picks a free port (tests)
    int threads = 2;
    uint32_t header_limit = 8 * 1024;                    // request line + headers; larger gets 431
    uint64_t body_limit = 64 * 1024;                     // request body; larger gets 413
    std::chrono::milliseconds read_timeout{30'000};      // to receive a whole request (incl. idle)
    std::chrono::milliseconds write_timeout{60'000};     // without any progress while sending
    std::chrono::milliseconds upstream_timeout{10'000};  // connect + response header from a CDN
    std::chrono::milliseconds drain_timeout{2'000};      // on stop, for requests in flight
    // Open connections at most (lowered to fit the descriptor limit); at the bound, the one
    // that has waited longest for a request makes room (connection_table.h).
    size_t max_connections = 8192;
};

struct ConnectionStats {
    size_t open = 0;
    size_t limit = 0;
    uint64_t evicted = 0;  // waiting connections closed to make room
    uint64_t refused = 0;  // newcomers closed because every connection was busy
};

// What the server reports after each response (the agent turns it into host events).
struct Exchange {
    unsigned status = 0;
    uint64_t bytes = 0;  // body bytes sent
    std::chrono::microseconds elapsed{0};
    const std::string* log_reason = nullptr;
};
using Observer = std::function<void(const Request&, const Exchange&)>;

class Server {
public:
    Server(ServerOptions options, Router router);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds, listens and starts the threads. Fails (without throwing) when the address
    // is invalid or the port cannot be bound.
    Status start();
    // Stops accepting, lets requests in flight finish (up to drain_timeout), joins threads.
    // Idempotent; the destructor calls it.
    void stop();

    // The bound port (useful with port 0); 0 before start().
    uint16_t port() const;
    ConnectionStats connectionStats() const;
    // Set before start(); called on a server thread after every response.
    void setObserver(Observer observer);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace vq::http
