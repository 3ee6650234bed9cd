#pragma once
// A small HTTPS client: the server's certificate verified against the configured trust and
// its name (or IP address) checked, every step bounded by a deadline. Connections are kept
// alive and reused (a handshake costs more than a batch of events); a request that finds
// its idle connection closed by the server is sent once more on a new one. Thread-safe:
// requests from several threads run side by side, each on a connection of its own.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "https/tls_context.h"

#include "base/result.h"
#include "http/request.h"

namespace vq::https {

struct TlsClientOptions {
    std::string host = "127.0.0.1";
    uint16_t port = 24601;
    ClientTrust trust;
    std::chrono::milliseconds connect_timeout{5'000};
    uint64_t body_limit = 4ull << 30;
    size_t idle_connections = 8;  // kept open between requests; 0: one per request
    // An idle connection older than this is closed rather than reused (the server closes
    // idle connections after its read timeout, 60 s by default).
    std::chrono::milliseconds idle_timeout{30'000};
};

struct ClientRequest {
    http::Method method = http::Method::get;
    std::string target;  // "/v1/watch?revision=3"
    std::string body;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::chrono::milliseconds timeout{30'000};  // the whole exchange after connecting
};

struct ClientResponse {
    unsigned status = 0;
    std::string body;
};

class TlsClient {
public:
    static Result<std::unique_ptr<TlsClient>> create(TlsClientOptions options);
    ~TlsClient();

    // A transport failure (refused, timeout, certificate refused) is `unavailable` with the
    // reason; any HTTP answer, even 4xx/5xx, is a response.
    Result<ClientResponse> send(const ClientRequest& request) const;
    const TlsClientOptions& options() const { return options_; }
    // TLS connections opened so far (tests, metrics).
    uint64_t connectionsOpened() const;

private:
    struct Connection;
    TlsClient(TlsClientOptions options, std::shared_ptr<boost::asio::ssl::context> tls);
    // One exchange on `c` (connecting first when it is new). `retryable` is set when the
    // request failed on a reused connection before any byte of an answer came back.
    Result<ClientResponse> exchange(Connection& c,
                                    const ClientRequest& request,
                                    bool& retryable,
                                    bool& reusable) const;
    std::unique_ptr<Connection> take() const;
    void giveBack(std::unique_ptr<Connection> c) const;

    TlsClientOptions options_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
    mutable std::mutex mu_;
    mutable std::vector<std::unique_ptr<Connection>> idle_;
    mutable uint64_t opened_ = 0;
};

}  // namespace vq::https
