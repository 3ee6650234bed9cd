#pragma once
// `vaquero server` as an object: the Server (SoT, store, state engine, User API) plus what
// serves its agents over the network: the ServerAPI over HTTPS with JWT sessions, the SoT
// bundles agents download, and the registry behind GET /agents. Tests build it in-process;
// runServer() is the command around it.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "etcd/types.h"

#include "base/result.h"
#include "server/config.h"
#include "server/server.h"

namespace vq::https {
class TlsServer;
}
namespace vq::etcd {
class Client;
}

namespace vq::server {

class AgentRegistry;
class BundleStore;

struct ControlPlaneSecrets {
    std::string shared_secret;
    std::string server_secret;
};

struct ControlPlaneOptions {
    ControlPlaneSecrets secrets;
    std::chrono::milliseconds watch_timeout{25'000};
    bool user_api = true;
    // With an Etcd section (server.h ServerOptions): client, write fence, failure handler.
    std::shared_ptr<etcd::Client> etcd;
    std::vector<etcd::Compare> etcd_fence;
    std::vector<etcd::Op> etcd_mark;
    std::function<void(const Status&)> on_store_failure;
};

class ControlPlane {
public:
    // Every missing or unusable setting is an error naming it (key, certificate, secret).
    static Result<std::unique_ptr<ControlPlane>> create(const Config& config,
                                                        ControlPlaneOptions options);
    ~ControlPlane();
    ControlPlane(const ControlPlane&) = delete;
    ControlPlane& operator=(const ControlPlane&) = delete;

    Status start();
    void stop();

    Server& server() { return *server_; }
    AgentRegistry& agents() { return *agents_; }
    uint16_t serverApiPort() const;

private:
    ControlPlane() = default;
    Config config_;
    ControlPlaneOptions options_;
    std::unique_ptr<AgentRegistry> agents_;
    std::unique_ptr<Server> server_;
    std::unique_ptr<BundleStore> bundles_;
    std::unique_ptr<https::TlsServer> api_;
    bool started_ = false;
};

}  // namespace vq::server
