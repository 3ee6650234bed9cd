#include "server/serve_command.h"

#include <cstdlib>
#include <iostream>

#include "etcd/election.h"
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "base/log.h"
#include "base/process.h"
#include "server/agent_registry.h"
#include "server/bundle_store.h"
#include "server/control_plane.h"
#include "server/etcd_client.h"
#include "server/follower_api.h"
#include "server/follower_revisions.h"
#include "server/leader_record.h"
#include "server/server_api.h"
#include "server/standby_api.h"
#include "store/etcd_keyspace.h"
#include "store/etcd_rollout_store.h"
#include "store/etcd_writer.h"

namespace vq::server {
namespace {

int fail(const std::string& message) {
    return startupFailure("server", "SERVER_FAILED", message);
}

// How often a follower looks for a revision the leader stored: agents see it that much later
// than through the leader (which tells them at once), at the cost of one small range a poll.
constexpr std::chrono::milliseconds kFollowerRevisionPoll{1'000};

// A server that lost etcd or its leadership stops acting at once and exits non-zero (the
// original's rule): an orchestrator restarts it, and it campaigns again from the start.
constexpr int kExitStoreLost = 3;

[[noreturn]] void stopActing(std::string_view event, const Status& why) {
    VQ_LOG_ERROR("{} reason=\"{}\"", event, why.message());
    std::cerr << "vaquero server: " << event << ": " << why.message() << "\n";
    spdlog::default_logger()->flush();
    std::_Exit(kExitStoreLost);
}

// This candidate's record in <Root>/leader: its id (host, process and User API, for
// operators) and where the others reach its listeners once it leads.
bool gitSot(const Config& config);

LeaderRecord ownRecord(const Config& config) {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    LeaderRecord r;
    r.id = std::string(host) + "/" + std::to_string(::getpid()) + "@" + config.user_api.addr + ":" +
           std::to_string(config.user_api.port);
    r.server_api = advertisedEndpoint(config.server_api.endpoint, host);
    r.user_api = advertisedEndpoint(config.user_api, host);
    if (gitSot(config))
        r.gitter = advertisedEndpoint(config.gitter.listen, host);
    return r;
}

bool gitSot(const Config& config) {
    for (const auto& sot : config.sots) {
        if (sot.kind == SotSourceConfig::Kind::Git)
            return true;
    }
    return false;
}

// How a follower checks the leader's certificate: ServerClient's CAFile (or
// InsecureSkipVerify) when set, else its own ServerAPI certificate, which is the leader's
// too when the servers share one (as they do behind a load balancer agents verify by name).
https::ClientTrust leaderTrust(const Config& config) {
    https::ClientTrust trust;
    trust.insecure_skip_verify = config.server_client.insecure_skip_verify;
    trust.ca_file = config.server_client.ca_file.empty() ? config.server_api.public_key
                                                         : config.server_client.ca_file;
    return trust;
}

// A stop signal that arrived (polled: the campaign must not block it).
const char* pendingStopSignal(const sigset_t& signals) {
    timespec zero{0, 0};
    const int sig = ::sigtimedwait(&signals, nullptr, &zero);
    if (sig == SIGTERM)
        return "SIGTERM";
    if (sig == SIGINT)
        return "SIGINT";
    return nullptr;
}

}  // namespace

int runServer(const ServeOptions& options) {
    const sigset_t signals = blockStopSignals();

    auto loaded = loadConfigForRun(options.config_path, options.log_level);
    if (!loaded)
        return fail(loaded.message());
    Config config = *loaded;
    if (!options.private_key.empty())
        config.server_api.private_key = options.private_key;
    if (!options.public_key.empty())
        config.server_api.public_key = options.public_key;

    ControlPlaneOptions cpo;
    cpo.secrets.shared_secret = flagOrEnv(options.shared_secret, "VAQUERO_SHARED_SECRET");
    cpo.secrets.server_secret = flagOrEnv(options.server_secret, "VAQUERO_SERVER_SECRET");
    std::unique_ptr<etcd::Election> election;
    // What a follower answers agents from; kept to the end: a call answered while this
    // server took over may still hold them.
    std::unique_ptr<FollowerRevisions> follower_revisions;
    std::unique_ptr<BundleStore> follower_bundles;
    std::unique_ptr<AgentRegistry> follower_agents;
    if (config.etcd.present) {
        auto client = etcdClientFor(config.etcd);
        if (!client)
            return fail(client.message());
        cpo.etcd = *client;
        cpo.on_store_failure = [](const Status& why) { stopActing("ETCD_WRITE_FAILED", why); };
    }
    if (config.etcd.present && config.etcd.ha) {
        if (config.server_api.private_key.empty() || config.server_api.public_key.empty())
            return fail("ServerAPI.PrivateKey and ServerAPI.PublicKey are required");
        const LeaderRecord self = ownRecord(config);
        etcd::ElectionOptions eo;
        eo.key = store::leaderKey(config.etcd.root);
        eo.id = encodeLeaderRecord(self);
        eo.ttl_s = config.etcd.lease_ttl_s;
        election = std::make_unique<etcd::Election>(cpo.etcd, eo);
        etcd::Election* e = election.get();
        auto leader_value = [e] {
            auto who = e->leader();
            return who ? *who : std::string();
        };
        // Until it leads, the server answers its agents by forwarding to the leader, and its
        // User API and Gitter with the leader's address.
        FollowerApiOptions fo;
        fo.listen = config.server_api.endpoint;
        fo.certificate = config.server_api.public_key;
        fo.private_key = config.server_api.private_key;
        fo.leader_trust = leaderTrust(config);
        fo.self_id = self.id;
        fo.leader = [e] { return e->leader(); };
        // Login, revisions and bundles from what the leader stored (with or without a leader).
        if (cpo.secrets.shared_secret.empty() || cpo.secrets.server_secret.empty())
            return fail("the shared secret and the server secret are required");
        const std::string sot_id = config.sots.empty() ? std::string() : config.sots.front().id;
        follower_revisions = std::make_unique<FollowerRevisions>(
            std::make_unique<store::EtcdRolloutStore>(
                std::make_shared<store::EtcdWriter>(cpo.etcd, store::EtcdWriterOptions{}),
                store::EtcdKeyspace{config.etcd.root, sot_id}),
            kFollowerRevisionPoll);
        follower_bundles = std::make_unique<BundleStore>(std::string(), 4);
        follower_bundles->setFiles(
            [r = follower_revisions.get()](const control::ModelRevision& rev) {
                return r->files(rev.number);
            });
        follower_agents = std::make_unique<AgentRegistry>();
        ServerApiContext reads;
        reads.revisions = follower_revisions.get();
        reads.bundles = follower_bundles.get();
        reads.agents = follower_agents.get();
        reads.shared_secret = cpo.secrets.shared_secret;
        reads.server_secret = cpo.secrets.server_secret;
        fo.read_routes = [reads](http::Router& router) { addServerApiReadRoutes(router, reads); };
        follower_revisions->start();
        follower_bundles->start(*follower_revisions);
        auto follower = FollowerApi::create(std::move(fo));
        if (!follower)
            return fail(follower.message());
        if (Status st = (*follower)->start(); !st)
            VQ_LOG_WARN("SERVER_API_UNAVAILABLE reason=\"{}\"", st.message());
        StandbyApi standby(config.user_api, leader_value,
                           [](const LeaderRecord& r) { return r.user_api; });
        if (Status st = standby.start(); !st)
            VQ_LOG_WARN("USER_API_UNAVAILABLE reason=\"{}\"", st.message());
        std::unique_ptr<StandbyApi> standby_gitter;
        if (gitSot(config)) {
            standby_gitter = std::make_unique<StandbyApi>(
                config.gitter.listen, leader_value, [](const LeaderRecord& r) { return r.gitter; });
            if (Status st = standby_gitter->start(); !st)
                VQ_LOG_WARN("GITTER_UNAVAILABLE reason=\"{}\"", st.message());
        }
        VQ_LOG_INFO("HA_CAMPAIGN key={} id={} ttl={}s record=\"{}\"", eo.key, self.id, eo.ttl_s,
                    eo.id);
        const char* stop_signal = nullptr;
        Status won = election->campaign([&] {
            stop_signal = pendingStopSignal(signals);
            return stop_signal != nullptr;
        });
        if (won && stop_signal == nullptr) {
            // The lease is kept alive before anything else: stopping the follower listeners
            // must not cost the leadership just won.
            election->keepLeading([](const Status& why) { stopActing("HA_LEADERSHIP_LOST", why); });
        }
        (*follower)->stop();
        follower_bundles->stop();
        follower_revisions->stop();
        standby.stop();
        if (standby_gitter)
            standby_gitter->stop();
        if (stop_signal != nullptr) {
            VQ_LOG_INFO("SERVER_STOPPED signal={} leader=false", stop_signal);
            return 0;
        }
        if (!won)
            stopActing("ETCD_LOST", won);
        VQ_LOG_INFO("HA_LEADER id={} revision={} lease={}", self.id, election->wonAt(),
                    election->lease());
        cpo.etcd_fence = election->fence();
        cpo.on_store_failure = [](const Status& why) { stopActing("HA_WRITE_REFUSED", why); };
    }
    auto created = ControlPlane::create(config, cpo);
    if (!created)
        return fail(created.message());
    ControlPlane& cp = **created;
    if (Status st = cp.start(); !st)
        return fail(st.message());
    VQ_LOG_INFO("SERVER_READY server_api={}:{} user_api={}:{}", config.server_api.endpoint.addr,
                cp.serverApiPort(), config.user_api.addr, cp.server().userApiPort());

    VQ_LOG_INFO("SERVER_STOPPING signal={}", waitForStopSignal(signals));
    cp.stop();
    if (election)
        election->resign();  // the next leader need not wait for the lease to run out
    VQ_LOG_INFO("SERVER_STOPPED");
    spdlog::default_logger()->flush();
    return 0;
}

}  // namespace vq::server
