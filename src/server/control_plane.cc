#include "server/control_plane.h"

#include <set>

#include "https/tls_context.h"
#include "https/tls_server.h"

#include "base/log.h"
#include "http/server.h"
#include "server/agent_registry.h"
#include "server/bundle_store.h"
#include "server/server_api.h"
#include "server/user_api_listener.h"

namespace vq::server {

Result<std::unique_ptr<ControlPlane>> ControlPlane::create(const Config& config,
                                                           ControlPlaneOptions options) {
    const std::string where = config.file.empty() ? "the configuration" : config.file;
    if (config.server_api.private_key.empty())
        return Status::invalidArgument(where +
                                       ": ServerAPI.PrivateKey is required "
                                       "(or --server-private-key)");
    if (config.server_api.public_key.empty())
        return Status::invalidArgument(where +
                                       ": ServerAPI.PublicKey is required "
                                       "(or --server-public-key)");
    if (options.secrets.shared_secret.empty())
        return Status::invalidArgument(
            "the shared secret is required (--shared-secret or VAQUERO_SHARED_SECRET)");
    if (options.secrets.server_secret.empty())
        return Status::invalidArgument(
            "the server secret is required (--server-secret or VAQUERO_SERVER_SECRET)");
    auto tls = https::serverContext(config.server_api.public_key, config.server_api.private_key);
    if (!tls)
        return tls.status();

    std::unique_ptr<ControlPlane> cp(new ControlPlane());
    cp->config_ = config;
    cp->options_ = options;
    cp->agents_ = std::make_unique<AgentRegistry>();
    const bool several = config.sots.size() > 1;
    // Opened in SoT[] order: each SoT's sites are checked against those opened before it.
    // One SoT or several, the User API, the Gitter and the dashboard's feed are this
    // object's, shared by their servers.
    cp->sots_.reserve(config.sots.size());
    for (const auto& sot : config.sots) {
        ServerOptions so;
        so.sot_id = sot.id;
        so.user_api = false;
        so.gitter = false;
        so.feed = &cp->feed_;
        so.etcd = options.etcd;
        so.etcd_fence = options.etcd_fence;
        so.etcd_mark = options.etcd_mark;
        so.on_store_failure = options.on_store_failure;
        so.accept = [plane = cp.get(), id = sot.id](const model::Model& m) {
            return plane->siteTakenBy(m, id);
        };
        auto server = Server::open(config, std::move(so));
        if (!server)
            return several ? server.status().prefixed("SoT " + sot.id) : server.status();
        Sot part;
        part.server = std::move(*server);
        part.bundles = std::make_unique<BundleStore>(part.server->sotDir().string(), 4,
                                                     &part.server->manifestChanges());
        part.bundles->setOlder(
            [server = part.server.get()](uint64_t n) { return server->pinnedRevision(n); });
        cp->sots_.push_back(std::move(part));
    }
    if (cp->sots_.empty()) {
        return Status::invalidArgument(where + ": no SoT to serve (SoT[].Local or SoT[].Git)");
    }
    std::vector<PushTarget*> sources;
    for (auto& part : cp->sots_) {
        if (PushTarget* target = part.server->pushTarget())
            sources.push_back(target);
    }
    if (!sources.empty())
        cp->gitter_ = std::make_unique<Gitter>(config.gitter, config.git_hooks, sources);
    if (several)
        VQ_LOG_INFO("SOTS_SERVED count={}", cp->sots_.size());

    http::Router router;
    std::vector<ServerApiContext> contexts;
    for (auto& part : cp->sots_) {
        ServerApiContext ctx;
        ctx.server = part.server.get();
        ctx.bundles = part.bundles.get();
        ctx.agents = cp->agents_.get();
        ctx.shared_secret = options.secrets.shared_secret;
        ctx.server_secret = options.secrets.server_secret;
        ctx.watch_timeout = options.watch_timeout;
        contexts.push_back(std::move(ctx));
    }
    addServerApiRoutes(router, contexts);
    https::TlsServerOptions to;
    to.address = config.server_api.endpoint.addr;
    to.port = static_cast<uint16_t>(config.server_api.endpoint.port);
    cp->api_ = std::make_unique<https::TlsServer>(to, std::move(*tls), std::move(router));
    return cp;
}

std::string ControlPlane::siteTakenBy(const model::Model& m, const std::string& self) {
    // Judged against the sites each SoT was last accepted with (not the revisions published
    // after), under one lock: two SoTs reloading at once cannot both take the same site.
    std::lock_guard lock(claims_mu_);
    for (const auto& [sot, sites] : claims_) {
        if (sot == self)
            continue;
        for (const auto& site : m.sites()) {
            if (sites.count(site.id) != 0)
                return "site " + site.id + " is served by SoT " + sot +
                       ": a site belongs to one SoT";
        }
    }
    std::set<std::string> mine;
    for (const auto& site : m.sites())
        mine.insert(site.id);
    claims_[self] = std::move(mine);
    return {};
}

ControlPlane::~ControlPlane() {
    stop();
}

Status ControlPlane::start() {
    for (auto& part : sots_) {
        if (Status st = part.server->start(); !st) {
            stop();
            return st;
        }
        part.bundles->start(part.server->revisions());
    }
    if (gitter_) {
        if (Status st = gitter_->start(); !st) {
            stop();
            return st;
        }
    }
    if (options_.user_api) {
        UserApiListenerOptions ua;
        std::vector<const Server*> servers;
        for (auto& part : sots_) {
            ua.sots.push_back(part.server->view());
            servers.push_back(part.server.get());
        }
        ua.feed = &feed_;
        ua.metrics = [servers] { return Server::metricsText(servers); };
        ua.more_routes = [agents = agents_.get()](http::Router& router) {
            router.exact("/agents", [agents](const http::Request&) {
                return http::Response::json(200, agents->json());
            });
        };
        user_api_ = startUserApi(config_, std::move(ua));
    }
    if (Status st = api_->start(); !st) {
        stop();
        return st.prefixed("ServerAPI");
    }
    started_ = true;
    return Status::ok();
}

void ControlPlane::stop() {
    // Long polls wait on the bundle store, the manifest's clock and the task queue: wake them
    // before the listener waits for them.
    for (auto& part : sots_) {
        part.bundles->stop();
        part.server->manifestChanges().close();
        part.server->tasks().stop();
    }
    if (api_)
        api_->stop();
    if (user_api_) {
        user_api_->stop();
        user_api_.reset();
    }
    if (gitter_)
        gitter_->stop();
    for (auto& part : sots_)
        part.server->stop();
    started_ = false;
}

uint16_t ControlPlane::serverApiPort() const {
    return api_ ? api_->port() : 0;
}

uint16_t ControlPlane::userApiPort() const {
    return user_api_ ? user_api_->port() : 0;
}

uint16_t ControlPlane::gitterPort() const {
    return gitter_ ? gitter_->port() : 0;
}

}  // namespace vq::server
