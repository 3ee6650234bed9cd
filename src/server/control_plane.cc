#include "server/control_plane.h"

#include <filesystem>

#include "https/tls_context.h"
#include "https/tls_server.h"

#include "base/log.h"
#include "server/agent_registry.h"
#include "server/bundle_store.h"
#include "server/server_api.h"

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
    ServerOptions so;
    so.user_api = options.user_api;
    so.etcd = options.etcd;
    so.etcd_fence = options.etcd_fence;
    so.etcd_mark = options.etcd_mark;
    so.on_store_failure = options.on_store_failure;
    so.user_api_routes = [agents = cp->agents_.get()](http::Router& router) {
        router.exact("/agents", [agents](const http::Request&) {
            return http::Response::json(200, agents->json());
        });
    };
    auto server = Server::open(config, std::move(so));
    if (!server)
        return server.status();
    cp->server_ = std::move(*server);

    // The directory the served SoT is loaded from (the server serves the first SoT): a local
    // root, or the tree the git source checks out.
    std::string root;
    if (!config.sots.empty()) {
        const SotSourceConfig& sot = config.sots.front();
        root = sot.kind == SotSourceConfig::Kind::Local
                   ? sot.root
                   : (std::filesystem::path(config.save_path) / "git" / sot.id / "tree").string();
    }
    cp->bundles_ = std::make_unique<BundleStore>(root, 4, &cp->server_->manifestChanges());
    cp->bundles_->setOlder(
        [server = cp->server_.get()](uint64_t n) { return server->pinnedRevision(n); });

    http::Router router;
    ServerApiContext ctx;
    ctx.server = cp->server_.get();
    ctx.bundles = cp->bundles_.get();
    ctx.agents = cp->agents_.get();
    ctx.shared_secret = options.secrets.shared_secret;
    ctx.server_secret = options.secrets.server_secret;
    ctx.watch_timeout = options.watch_timeout;
    addServerApiRoutes(router, ctx);
    https::TlsServerOptions to;
    to.address = config.server_api.endpoint.addr;
    to.port = static_cast<uint16_t>(config.server_api.endpoint.port);
    cp->api_ = std::make_unique<https::TlsServer>(to, std::move(*tls), std::move(router));
    return cp;
}

ControlPlane::~ControlPlane() {
    stop();
}

Status ControlPlane::start() {
    VQ_TRY(server_->start());
    bundles_->start(server_->revisions());
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
    if (bundles_)
        bundles_->stop();
    if (server_) {
        server_->manifestChanges().close();
        server_->tasks().stop();
    }
    if (api_)
        api_->stop();
    if (server_)
        server_->stop();
    started_ = false;
}

uint16_t ControlPlane::serverApiPort() const {
    return api_ ? api_->port() : 0;
}

}  // namespace vq::server
