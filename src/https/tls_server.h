#pragma once
// An HTTPS/1.1 listener answering an http::Router. Each connection has a thread of its own
// (bounded by max_connections), so a handler may block: the control plane's long polls wait
// in the handler. Agents are few and keep their connections short, so threads are cheap
// here; the boot path's many clients use http::Server instead.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "base/result.h"
#include "http/router.h"

namespace boost::asio::ssl {
class context;
}

namespace vq::https {

struct TlsServerOptions {
    std::string address = "127.0.0.1";
    uint16_t port = 24601;  // 0 picks a free port (tests)
    int max_connections = 256;
    uint32_t header_limit = 16 * 1024;
    uint64_t body_limit = 64ull << 20;  // event batches
    std::chrono::milliseconds handshake_timeout{10'000};
    std::chrono::milliseconds read_timeout{60'000};  // to receive a whole request (incl. idle)
    std::chrono::milliseconds write_timeout{120'000};
    // How long stop() waits for handlers still running (their connections are shut down);
    // a handler that outlives it finishes on its own thread, answering nobody.
    std::chrono::milliseconds stop_wait{10'000};
};

class TlsServer {
public:
    TlsServer(TlsServerOptions options,
              std::shared_ptr<boost::asio::ssl::context> tls,
              http::Router router);
    ~TlsServer();
    TlsServer(const TlsServer&) = delete;
    TlsServer& operator=(const TlsServer&) = delete;

    Status start();
    // Stops accepting, closes every connection and waits for their threads. Handlers that
    // block must have been woken first (their owner's stop()).
    void stop();
    uint16_t port() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace vq::https
