#include "agent/standalone.h"

#include <cstdlib>
#include <iostream>
#include <thread>

#include <pthread.h>
#include <signal.h>

#include "agent/boot_services.h"
#include "agent/config.h"
#include "agent/model_holder.h"
#include "agent/routes.h"
#include "agent/site_select.h"
#include "agent/sot_watcher.h"
#include "agent/timeline.h"
#include "agent/user_api.h"
#include "base/log.h"
#include "http/server.h"
#include "model/load.h"
#include "store/sqlite_progress_store.h"
#include "workflow/engine.h"

namespace vq::agent {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitConfig = 2;

int fail(const std::string& message) {
    std::cerr << "vaquero standalone: " << message << "\n";
    VQ_LOG_ERROR("STANDALONE_FAILED reason=\"{}\"", message);
    return kExitConfig;
}

std::string fromEnv(const std::string& flag, const char* env) {
    if (!flag.empty())
        return flag;
    const char* v = std::getenv(env);
    return v == nullptr ? std::string() : std::string(v);
}

// The inventory's interface addresses, for attributing TFTP events to MACs.
std::vector<std::pair<Ipv4, MacAddr>> inventoryAddresses(const model::Model& m,
                                                         const std::string& site_id) {
    std::vector<std::pair<Ipv4, MacAddr>> out;
    const model::Site* site = m.site(site_id);
    if (site == nullptr)
        return out;
    for (const auto& host : site->hosts) {
        for (const auto& iface : host.interfaces) {
            if (iface.ipv4 && iface.mac)
                out.emplace_back(*iface.ipv4, *iface.mac);
        }
    }
    return out;
}

// Workflow transitions go to the log as well as to the host's timeline.
class WorkflowEventLog : public EventSink {
public:
    explicit WorkflowEventLog(EventSink& next) : next_(next) {}
    void record(HostEvent e) override {
        VQ_LOG_INFO("{} mac={} {}", e.kind, e.mac ? e.mac->toString() : std::string("-"), e.detail);
        next_.record(std::move(e));
    }

private:
    EventSink& next_;
};

}  // namespace

int runStandalone(const StandaloneOptions& options) {
    // Signals go to sigwait() below; every thread started from here inherits the mask.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    if (options.config_path.empty())
        return fail("--config is required");
    auto loaded = loadConfig(options.config_path);
    for (const auto& w : loaded.warnings)
        std::cerr << "warning: " << w << "\n";
    if (!loaded.ok()) {
        for (const auto& e : loaded.errors)
            std::cerr << "error: " << e << "\n";
        return fail("invalid configuration " + options.config_path);
    }
    Config& config = loaded.config;
    LogSettings log = config.log;
    if (!options.log_level.empty())
        log.level = options.log_level;
    if (Status st = configureLogging(log); !st)
        return fail(st.message());
    for (const auto& w : loaded.warnings)
        VQ_LOG_WARN("CONFIG_WARNING {}", w);

    const SotSourceConfig* sot = nullptr;
    for (const auto& s : config.sots) {
        if (s.kind == SotSourceConfig::Kind::Local) {
            if (sot == nullptr) {
                sot = &s;
            } else {
                VQ_LOG_WARN("CONFIG_WARNING SoT {} ignored: standalone serves one local SoT ({})",
                            s.id, sot->id);
            }
        } else {
            VQ_LOG_WARN("CONFIG_WARNING SoT {} ignored: git SoTs are fed by the server's Gitter",
                        s.id);
        }
    }
    if (sot == nullptr)
        return fail(options.config_path + ": no SoT with a Local Root to serve");

    // Host state first: an unusable SavePath is a startup error, not a failed checkpoint.
    auto store = store::SqliteProgressStore::openDir(config.save_path);
    if (!store)
        return fail("cannot open the state store in SavePath: " + store.message());
    ModelHolder models;
    Timeline timeline;
    WorkflowEventLog workflow_events(timeline);
    workflow::WorkflowEngine engine(**store, &workflow_events);
    if (Status st = engine.loadAll(); !st)
        return fail(st.message());
    VQ_LOG_INFO("STORE_OPENED file={} hosts={}", (*store)->file(), engine.all().size());

    // The User API answers /live and /ready (500) while the SoT loads. A port already taken
    // (another instance on this machine) leaves standalone serving without it.
    http::Router user_router;
    addUserApiRoutes(user_router, UserApiContext{[&models] { return models.get(); }, &engine});
    http::ServerOptions user_opts;
    user_opts.address = config.user_api.addr;
    user_opts.port = static_cast<uint16_t>(config.user_api.port);
    user_opts.threads = 1;
    http::Server user_api(user_opts, std::move(user_router));
    if (Status st = user_api.start(); st) {
        VQ_LOG_INFO("USER_API_READY addr={}:{}", config.user_api.addr, user_api.port());
    } else {
        std::cerr << "warning: User API not served: " << st.message() << "\n";
        VQ_LOG_WARN("USER_API_UNAVAILABLE addr={}:{} reason=\"{}\"", config.user_api.addr,
                    config.user_api.port, st.message());
    }

    const std::string site_id = fromEnv(options.site_id, "VAQUERO_SITE_ID");
    const std::string agent_id = fromEnv(options.agent_id, "VAQUERO_AGENT_ID");
    model::LoadOptions load_options;
    auto first = model::loadSot(sot->root, load_options);
    if (first.io_failure || !first.model)
        return fail("cannot read SoT " + sot->root);
    if (first.hasErrors()) {
        for (const auto& d : first.diagnostics)
            std::cerr << d.toString() << "\n";
        return fail(std::to_string(first.errorCount()) + " error(s) in SoT " + sot->root);
    }
    auto selection = selectSiteAgent(*first.model, site_id, agent_id);
    if (!selection)
        return fail(selection.message());
    const Selection sel = *selection;
    const auto& asset = sel.agent.asset_server;
    if (asset.scheme != "http")
        return fail("asset_server.scheme '" + asset.scheme + "' is not served (http only)");
    if (!asset.cdn_addr.empty() && asset.cdn_port > 0 && asset.cdn_scheme != "http") {
        return fail("asset_server.cdn_scheme '" + asset.cdn_scheme +
                    "' is not supported (http only)");
    }

    models.set(first.model);
    timeline.setInventoryAddresses(inventoryAddresses(*first.model, sel.site_id));
    VQ_LOG_INFO("SOT_LOADED id={} root={} site={} agent={} hosts={} warnings={}", sot->id,
                sot->root, sel.site_id, sel.agent.name, first.model->hostCount(),
                first.warningCount());

    http::Router router;
    RouteContext ctx;
    ctx.model = [&models] { return models.get(); };
    ctx.site_id = sel.site_id;
    ctx.agent = sel.agent;
    ctx.timeline = &timeline;
    ctx.engine = &engine;
    addAgentRoutes(router, ctx);

    http::ServerOptions http_opts;
    http_opts.address = options.listen;
    http_opts.port = static_cast<uint16_t>(options.http_port >= 0 ? options.http_port : asset.port);
    http_opts.threads = options.http_threads > 0
                            ? options.http_threads
                            : std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
    http::Server server(http_opts, std::move(router));
    server.setObserver(makeEventObserver(timeline));
    if (Status st = server.start(); !st)
        return fail(st.message());

    std::unique_ptr<BootServices> boot;
    if (options.boot_services) {
        BootServicesConfig bc;
        bc.site_id = sel.site_id;
        bc.agent = sel.agent;
        bc.http_port = server.port();
        auto started = startBootServices(bc, models, timeline);
        if (!started) {
            server.stop();
            return fail(started.message());
        }
        boot = std::move(*started);
    }

    SotWatcher watcher(
        sot->root, load_options, models, std::chrono::seconds(config.poll_interval_s),
        [&sel](const model::Model& m) -> std::string {
            return m.site(sel.site_id) == nullptr ? "site " + sel.site_id + " disappeared"
                                                  : std::string();
        },
        [&timeline, &sel](const std::shared_ptr<const model::Model>& m) {
            timeline.setInventoryAddresses(inventoryAddresses(*m, sel.site_id));
        });
    watcher.start();
    VQ_LOG_INFO("STANDALONE_READY http={}:{} site={} agent={} poll_interval_s={}", options.listen,
                server.port(), sel.site_id, sel.agent.name, config.poll_interval_s);

    int sig = 0;
    sigwait(&signals, &sig);
    VQ_LOG_INFO("STANDALONE_STOPPING signal={}", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    watcher.stop();
    boot.reset();
    server.stop();
    user_api.stop();
    VQ_LOG_INFO("STANDALONE_STOPPED");
    spdlog::default_logger()->flush();
    return kExitOk;
}

}  // namespace vq::agent
