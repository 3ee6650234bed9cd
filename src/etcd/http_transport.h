#pragma once
// The JSON gateway over HTTP/1.1 (Boost.Beast): one connection per request, every step
// bounded by the timeout, members tried in turn. A member that cannot be connected to is
// skipped for the next one (up to `retry` more tries); a request that reached a member is
// never sent again, so a write is never applied twice by the transport. https:// members are
// spoken to over TLS with the context the caller built (its trust and client certificate);
// the member's certificate must name the host or address of its endpoint.

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "etcd/transport.h"

#include "base/result.h"

namespace boost::asio::ssl {
class context;
}

namespace vq::etcd {

struct Endpoint {
    std::string host;
    std::string port;
    bool tls = false;
};

// "http://127.0.0.1:2379", "https://etcd1:2379", "127.0.0.1:2379" (plain HTTP).
Result<Endpoint> parseEndpoint(std::string_view url);

struct HttpTransportOptions {
    std::vector<std::string> endpoints{};
    std::chrono::milliseconds connect_timeout{2'000};
    int retry = 3;
    // Needed when an endpoint is https://: whom to trust, and the client certificate.
    std::shared_ptr<boost::asio::ssl::context> tls{};
};

class HttpTransport : public Transport {
public:
    static Result<std::unique_ptr<HttpTransport>> create(HttpTransportOptions options);

    Result<TransportReply> post(std::string_view path,
                                const std::string& body,
                                std::chrono::milliseconds timeout) override;
    Status stream(std::string_view path,
                  const std::string& body,
                  const std::function<bool(std::string_view)>& on_line,
                  const std::shared_ptr<StreamCancel>& cancel) override;

private:
    HttpTransport(HttpTransportOptions options, std::vector<Endpoint> endpoints)
        : options_(std::move(options)), endpoints_(std::move(endpoints)) {}
    // The member to try first: the last one that answered.
    size_t first() const { return preferred_.load() % endpoints_.size(); }

    HttpTransportOptions options_;
    std::vector<Endpoint> endpoints_;
    std::atomic<size_t> preferred_{0};
};

}  // namespace vq::etcd
