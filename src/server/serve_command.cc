#include "server/serve_command.h"

#include <cstdlib>
#include <iostream>

#include "etcd/election.h"
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "base/log.h"
#include "base/process.h"
#include "server/control_plane.h"
#include "server/etcd_client.h"
#include "server/follower.h"
#include "server/leader_record.h"
#include "store/etcd_keyspace.h"

namespace vq::server {
namespace {

int fail(const std::string& message) {
    return startupFailure("server", "SERVER_FAILED", message);
}

// A server that lost etcd or its leadership stops acting at once and exits non-zero (the
// original's rule): an orchestrator restarts it, and it campaigns again from the start.
constexpr int kExitStoreLost = 3;

[[noreturn]] void stopActing(std::string_view event, const Status& why) {
    VQ_LOG_ERROR("{} reason=\"{}\"", event, why.message());
    std::cerr << "vaquero server: " << event << ": " << why.message() << "\n";
    spdlog::default_logger()->flush();
    std::_Exit(kExitStoreLost);
}

// Whether the leader may run a Gitter: a git SoT, or GitHooks a local SoT's git
// configuration may name.
bool gitSot(const Config& config) {
    for (const auto& sot : config.sots) {
        if (sot.kind == SotSourceConfig::Kind::Git)
            return true;
    }
    return !config.git_hooks.empty();
}

// This candidate's record in <Root>/leader: its id (host, process and User API, for
// operators) and where the others reach its listeners once it leads.
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
    // What answers while this server does not lead; kept to the end: a call answered while
    // it took over may still be running.
    std::unique_ptr<Follower> follower;
    if (config.etcd.present) {
        auto client = etcdClientFor(config.etcd);
        if (!client)
            return fail(client.message());
        cpo.etcd = *client;
        cpo.on_store_failure = [](const Status& why) { stopActing("ETCD_WRITE_FAILED", why); };
    }
    if (config.etcd.present && config.etcd.ha) {
        const LeaderRecord self = ownRecord(config);
        etcd::ElectionOptions eo;
        eo.key = store::leaderKey(config.etcd.root);
        eo.id = encodeLeaderRecord(self);
        eo.ttl_s = config.etcd.lease_ttl_s;
        election = std::make_unique<etcd::Election>(cpo.etcd, eo);
        auto made = Follower::create(config, cpo.secrets, cpo.etcd, *election, self);
        if (!made)
            return fail(made.message());
        follower = std::move(*made);
        follower->start();
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
        follower->stop();
        if (stop_signal != nullptr) {
            VQ_LOG_INFO("SERVER_STOPPED signal={} leader=false", stop_signal);
            return 0;
        }
        // TLS refused (unknown CA, no or a wrong client certificate): a restart will not
        // help, the configuration must change.
        if (won.code() == StatusCode::permission_denied)
            return fail(won.message());
        if (!won)
            stopActing("ETCD_LOST", won);
        VQ_LOG_INFO("HA_LEADER id={} revision={} lease={}", self.id, election->wonAt(),
                    election->lease());
        cpo.etcd_fence = election->fence();
        cpo.etcd_mark = {etcd::Op::put(store::writerKey(config.etcd.root),
                                       eo.id + " won@" + std::to_string(election->wonAt()))};
        cpo.on_store_failure = [](const Status& why) { stopActing("HA_WRITE_REFUSED", why); };
    }
    auto created = ControlPlane::create(config, cpo);
    if (!created)
        return fail(created.message());
    ControlPlane& cp = **created;
    if (Status st = cp.start(); !st)
        return fail(st.message());
    VQ_LOG_INFO("SERVER_READY server_api={}:{} user_api={}:{}", config.server_api.endpoint.addr,
                cp.serverApiPort(), config.user_api.addr, cp.userApiPort());

    VQ_LOG_INFO("SERVER_STOPPING signal={}", waitForStopSignal(signals));
    cp.stop();
    if (election)
        election->resign();  // the next leader need not wait for the lease to run out
    VQ_LOG_INFO("SERVER_STOPPED");
    spdlog::default_logger()->flush();
    return 0;
}

}  // namespace vq::server
