#pragma once
// What a `vaquero server` with Etcd.HA runs while it campaigns and does not lead: its
// ServerAPI for agents (follower_api.h: login, revisions and bundles answered from the
// revisions the leader stored in etcd, everything else forwarded to the leader), and the
// standby answers of its User API and, for a git SoT, its Gitter (standby_api.h). All of it
// stops when the server leads; the object itself must live until the process ends, as a
// call answered meanwhile may still be running on its own thread.

#include <memory>
#include <vector>

#include "base/result.h"
#include "server/config.h"
#include "server/control_plane.h"
#include "server/leader_record.h"

namespace vq::etcd {
class Client;
class Election;
}  // namespace vq::etcd

namespace vq::server {

class FollowerApi;
class FollowerRevisions;
class BundleStore;
class AgentRegistry;
class StandbyApi;

class Follower {
public:
    // `self` is this server's record in <Root>/leader (its Gitter endpoint set: a git SoT).
    // Unusable keys or missing secrets are errors here, before anything listens.
    static Result<std::unique_ptr<Follower>> create(const Config& config,
                                                    const ControlPlaneSecrets& secrets,
                                                    std::shared_ptr<etcd::Client> etcd,
                                                    etcd::Election& election,
                                                    const LeaderRecord& self);
    ~Follower();
    Follower(const Follower&) = delete;
    Follower& operator=(const Follower&) = delete;

    // A listener that cannot bind is a warning: the server campaigns all the same.
    void start();
    void stop();

private:
    Follower() = default;
    // Per SoT (SoT[] order): the revisions the leader stored, and their bundles.
    std::vector<std::unique_ptr<FollowerRevisions>> revisions_;
    std::vector<std::unique_ptr<BundleStore>> bundles_;
    std::unique_ptr<AgentRegistry> agents_;
    std::unique_ptr<FollowerApi> api_;
    std::unique_ptr<StandbyApi> user_api_;
    std::unique_ptr<StandbyApi> gitter_;
};

}  // namespace vq::server
