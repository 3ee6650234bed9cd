#include "server/follower.h"

#include "etcd/election.h"

#include "base/log.h"
#include "server/agent_registry.h"
#include "server/bundle_store.h"
#include "server/follower_api.h"
#include "server/follower_revisions.h"
#include "server/server_api.h"
#include "server/standby_api.h"
#include "store/etcd_keyspace.h"
#include "store/etcd_rollout_store.h"
#include "store/etcd_writer.h"

namespace vq::server {
namespace {

// How often a follower looks for a revision the leader stored: agents see it that much later
// than through the leader (which tells them at once), at the cost of one small range a poll.
constexpr std::chrono::milliseconds kRevisionPoll{1'000};
// Revisions kept packed for agents, as the leader keeps them (deltas against the previous).
constexpr size_t kBundlesKept = 4;

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

}  // namespace

Follower::~Follower() {
    stop();
}

Result<std::unique_ptr<Follower>> Follower::create(const Config& config,
                                                   const ControlPlaneSecrets& secrets,
                                                   std::shared_ptr<etcd::Client> etcd,
                                                   etcd::Election& election,
                                                   const LeaderRecord& self) {
    if (config.server_api.private_key.empty() || config.server_api.public_key.empty())
        return Status::invalidArgument("ServerAPI.PrivateKey and ServerAPI.PublicKey are required");
    if (secrets.shared_secret.empty() || secrets.server_secret.empty())
        return Status::invalidArgument("the shared secret and the server secret are required");
    std::unique_ptr<Follower> f(new Follower());

    // The revisions the leader stored, and their bundles, for each SoT.
    std::vector<ServerApiContext> reads;
    f->agents_ = std::make_unique<AgentRegistry>();
    for (const auto& sot : config.sots) {
        auto revisions = std::make_unique<FollowerRevisions>(
            std::make_unique<store::EtcdRolloutStore>(
                std::make_shared<store::EtcdWriter>(etcd, store::EtcdWriterOptions{}),
                store::EtcdKeyspace{config.etcd.root, sot.id}),
            kRevisionPoll);
        auto bundles = std::make_unique<BundleStore>(std::string(), kBundlesKept);
        bundles->setFiles([r = revisions.get()](const control::ModelRevision& rev) {
            return r->files(rev.number);
        });
        bundles->setOlder([r = revisions.get()](uint64_t n) { return r->older(n); });
        ServerApiContext ctx;
        ctx.revisions = revisions.get();
        ctx.bundles = bundles.get();
        ctx.agents = f->agents_.get();
        ctx.shared_secret = secrets.shared_secret;
        ctx.server_secret = secrets.server_secret;
        reads.push_back(std::move(ctx));
        f->revisions_.push_back(std::move(revisions));
        f->bundles_.push_back(std::move(bundles));
    }
    if (reads.empty())
        return Status::invalidArgument("no SoT to serve (SoT[].Local or SoT[].Git)");

    etcd::Election* e = &election;
    FollowerApiOptions fo;
    fo.listen = config.server_api.endpoint;
    fo.certificate = config.server_api.public_key;
    fo.private_key = config.server_api.private_key;
    fo.leader_trust = leaderTrust(config);
    fo.self_id = self.id;
    fo.leader = [e] { return e->leader(); };
    fo.read_routes = [reads](http::Router& router) { addServerApiReadRoutes(router, reads); };
    auto api = FollowerApi::create(std::move(fo));
    if (!api)
        return api.status();
    f->api_ = std::move(*api);

    auto leader_value = [e] {
        auto who = e->leader();
        return who ? *who : std::string();
    };
    f->user_api_ = std::make_unique<StandbyApi>(config.user_api, leader_value,
                                                [](const LeaderRecord& r) { return r.user_api; });
    if (self.gitter) {
        f->gitter_ = std::make_unique<StandbyApi>(config.gitter.listen, leader_value,
                                                  [](const LeaderRecord& r) { return r.gitter; });
    }
    return f;
}

void Follower::start() {
    for (size_t i = 0; i < revisions_.size(); ++i) {
        revisions_[i]->start();
        bundles_[i]->start(*revisions_[i]);
    }
    if (Status st = api_->start(); !st)
        VQ_LOG_WARN("SERVER_API_UNAVAILABLE reason=\"{}\"", st.message());
    if (Status st = user_api_->start(); !st)
        VQ_LOG_WARN("USER_API_UNAVAILABLE reason=\"{}\"", st.message());
    if (gitter_) {
        if (Status st = gitter_->start(); !st)
            VQ_LOG_WARN("GITTER_UNAVAILABLE reason=\"{}\"", st.message());
    }
}

void Follower::stop() {
    if (api_)
        api_->stop();  // first: nothing new reaches what stops below
    for (auto& b : bundles_)
        b->stop();
    for (auto& r : revisions_)
        r->stop();
    // The leader's own listeners bind the same ports next: a stopped listener has released
    // its port.
    if (user_api_)
        user_api_->stop();
    if (gitter_)
        gitter_->stop();
}

}  // namespace vq::server
