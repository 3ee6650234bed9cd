#include "server/etcd_client.h"

#include "etcd/http_transport.h"

namespace vq::server {

Result<std::shared_ptr<etcd::Client>> etcdClientFor(const EtcdConfig& config) {
    etcd::HttpTransportOptions to;
    to.endpoints = config.endpoints;
    to.connect_timeout = std::chrono::seconds(config.timeout_s);
    to.retry = config.retry;
    auto transport = etcd::HttpTransport::create(std::move(to));
    if (!transport)
        return transport.status();
    etcd::ClientOptions co;
    co.timeout = std::chrono::seconds(config.timeout_s);
    return std::make_shared<etcd::Client>(std::shared_ptr<etcd::Transport>(std::move(*transport)),
                                          co);
}

}  // namespace vq::server
