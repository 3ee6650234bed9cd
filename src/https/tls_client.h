#pragma once
// A small HTTPS client: one TLS connection per request, the server's certificate verified
// against the configured trust and its name (or IP address) checked, every step bounded by
// a deadline. Thread-safe: requests from several threads run side by side.

#include <chrono>
#include <cstdint>
#include <memory>
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

private:
    TlsClient(TlsClientOptions options, std::shared_ptr<boost::asio::ssl::context> tls);
    TlsClientOptions options_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace vq::https
