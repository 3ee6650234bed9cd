#include "server/etcd_client.h"

#include <algorithm>

#include "etcd/http_transport.h"
#include "https/tls_context.h"

namespace vq::server {

Result<std::shared_ptr<etcd::Client>> etcdClientFor(const EtcdConfig& config) {
    etcd::HttpTransportOptions to;
    to.endpoints = config.endpoints;
    to.connect_timeout = std::chrono::seconds(config.timeout_s);
    to.retry = config.retry;
    const bool any_https =
        std::any_of(config.endpoints.begin(), config.endpoints.end(),
                    [](const std::string& e) { return e.starts_with("https://"); });
    if (any_https) {
        https::ClientTrust trust;
        trust.ca_file = config.ca_file;
        trust.cert_file = config.cert_file;
        trust.key_file = config.key_file;
        auto tls = https::clientContext(trust);
        if (!tls)
            return tls.status().prefixed("Etcd TLS settings");
        to.tls = std::move(*tls);
    }
    auto transport = etcd::HttpTransport::create(std::move(to));
    if (!transport)
        return transport.status();
    etcd::ClientOptions co;
    co.timeout = std::chrono::seconds(config.timeout_s);
    return std::make_shared<etcd::Client>(std::shared_ptr<etcd::Transport>(std::move(*transport)),
                                          co);
}

}  // namespace vq::server
