#pragma once
// `vaquero server` as an object: the Server (SoT, store, state engine, User API) plus what
// serves its agents over the network: the ServerAPI over HTTPS with JWT sessions, the SoT
// bundles agents download, and the registry behind GET /agents. Tests build it in-process;
// runServer() is the command around it.
//
// Every SoT[] entry is served: one Server each (its own revisions, store and rollout), behind
// one ServerAPI, one Gitter and one User API. An agent's calls go to the SoT that has its
// site, so a site ID must be in one SoT only: a SoT naming another's site is refused at start
// and on every reload (the last good revision keeps serving).

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "etcd/types.h"

#include "base/result.h"
#include "server/config.h"
#include "server/server.h"

namespace vq::https {
class TlsServer;
}
namespace vq::http {
class Server;
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

    // The first SoT's server; sots() counts them all.
    Server& server() { return *sots_.front().server; }
    Server& server(size_t i) { return *sots_.at(i).server; }
    size_t sots() const { return sots_.size(); }
    AgentRegistry& agents() { return *agents_; }
    uint16_t serverApiPort() const;
    uint16_t userApiPort() const;  // 0 when the User API is not served
    uint16_t gitterPort() const;   // 0 when no SoT is fed from git

private:
    struct Sot {
        std::unique_ptr<Server> server;
        std::unique_ptr<BundleStore> bundles;
    };
    ControlPlane() = default;
    // The SoT (other than `self`) that serves a site of `model`, as a refusal; empty: none,
    // and `self` claims the model's sites.
    std::string siteTakenBy(const model::Model& model, const std::string& self);

    Config config_;
    ControlPlaneOptions options_;
    std::unique_ptr<AgentRegistry> agents_;
    ChangeFeed feed_;  // the dashboard's, shared by the servers
    std::mutex claims_mu_;
    std::map<std::string, std::set<std::string>> claims_;  // SoT -> the sites it was accepted with
    std::vector<Sot> sots_;
    // One Gitter for every SoT a push reaches, one User API for all.
    std::unique_ptr<Gitter> gitter_;
    std::unique_ptr<http::Server> user_api_;
    std::unique_ptr<https::TlsServer> api_;
    bool started_ = false;
};

}  // namespace vq::server
