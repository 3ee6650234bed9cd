#pragma once
// The etcd client the configuration's Etcd section asks for: its endpoints (tried in
// turn), Timeout for every request and Retry more members tried when one cannot be reached.
// https:// endpoints are spoken to over TLS, trusting Etcd.CAFile (or the system's CAs) and
// presenting Etcd.CertFile/KeyFile when given.

#include <memory>

#include "etcd/client.h"

#include "base/result.h"
#include "server/config.h"

namespace vq::server {

Result<std::shared_ptr<etcd::Client>> etcdClientFor(const EtcdConfig& config);

}  // namespace vq::server
