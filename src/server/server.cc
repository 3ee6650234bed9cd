#include "server/server.h"

#include <chrono>
#include <iostream>

#include "base/log.h"
#include "base/version.h"
#include "http/server.h"
#include "model/load.h"
#include "server/in_process_effects.h"
#include "server/sot_status_route.h"
#include "server/user_api.h"
#include "store/sqlite_progress_store.h"

namespace vq::server {

// Workflow transitions go to the log as well as to the configured sink.
class Server::WorkflowEventLog : public EventSink {
public:
    explicit WorkflowEventLog(EventSink* next) : next_(next) {}
    void record(HostEvent e) override {
        VQ_LOG_INFO("{} mac={} {}", e.kind, e.mac ? e.mac->toString() : std::string("-"), e.detail);
        if (next_ != nullptr)
            next_->record(std::move(e));
    }

private:
    EventSink* next_;
};

Server::Server(Config config, ServerOptions options)
    : config_(std::move(config)), options_(std::move(options)) {}

Server::~Server() {
    stop();
}

Result<std::unique_ptr<Server>> Server::open(const Config& config, ServerOptions options) {
    std::unique_ptr<Server> s(new Server(config, std::move(options)));
    const SotSourceConfig* sot = nullptr;
    for (const auto& source : s->config_.sots) {
        if (sot == nullptr) {
            sot = &source;
        } else {
            VQ_LOG_WARN("CONFIG_WARNING SoT {} ignored: one SoT is served ({})", source.id,
                        sot->id);
        }
    }
    if (sot == nullptr) {
        const std::string where = s->config_.file.empty() ? "the configuration" : s->config_.file;
        return Status::invalidArgument(where + ": no SoT to serve (SoT[].Local or SoT[].Git)");
    }
    s->sot_ = *sot;

    // Host state first: an unusable SavePath is a startup error, not a failed checkpoint.
    auto store = store::SqliteProgressStore::openDir(s->config_.save_path);
    if (!store) {
        return Status::withCode(store.code(),
                                "cannot open the state store in SavePath: " + store.message());
    }
    s->store_ = std::move(*store);
    s->workflow_log_ = std::make_unique<WorkflowEventLog>(s->options_.workflow_events);
    s->engine_ = std::make_unique<workflow::WorkflowEngine>(*s->store_, s->workflow_log_.get());
    VQ_TRY(s->engine_->loadAll());
    VQ_LOG_INFO("STORE_OPENED file={} hosts={}", s->store_->file(), s->engine_->all().size());

    model::LoadOptions load_options;
    std::shared_ptr<const model::Model> first_model;
    std::string first_commit;
    if (s->sot_.kind == SotSourceConfig::Kind::Git) {
        auto git = s->openGitSot(load_options);
        if (!git)
            return git.status();
        first_model = git->model;
        first_commit = git->commit;
    } else {
        auto first = model::loadSot(s->sot_.root, load_options);
        if (first.io_failure || !first.model)
            return Status::unavailable("cannot read SoT " + s->sot_.root);
        if (first.hasErrors()) {
            for (const auto& d : first.diagnostics)
                std::cerr << d.toString() << "\n";
            return Status::invalidArgument(std::to_string(first.errorCount()) +
                                           " error(s) in SoT " + s->sot_.root);
        }
        if (s->options_.accept) {
            if (std::string refusal = s->options_.accept(*first.model); !refusal.empty())
                return Status::invalidArgument(refusal);
        }
        VQ_LOG_INFO("SOT_LOADED id={} root={} hosts={} warnings={}", s->sot_.id, s->sot_.root,
                    first.model->hostCount(), first.warningCount());
        first_model = first.model;
    }
    s->models_.set(first_model);
    auto first_revision = s->revisions_.publish(first_model, s->sot_.id, first_commit);

    Effects* effects = s->options_.effects;
    if (effects == nullptr) {
        InProcessEffectsOptions fx;
        const ContainersConfig& cc = s->config_.containers;
        fx.runtime.runtime = cc.engine;
        fx.runtime.binary = cc.binary;
        fx.runtime.global_args = cc.global_args;
        fx.runtime.run_args = cc.run_args;
        fx.runtime.default_timeout_s = cc.timeout_s;
        fx.runtime.output_limit = static_cast<size_t>(cc.output_limit);
        s->own_effects_ = std::make_unique<InProcessEffects>(std::move(fx));
        effects = s->own_effects_.get();
    }
    StateEngineOptions state_options;
    state_options.events = s->options_.workflow_events;  // the engine logs HOST_STATE itself
    state_options.stages = s->engine_.get();
    state_options.metrics = &s->metrics_;
    s->checkpoint_seconds_ = &s->metrics_.histogram(
        "vaquero_checkpoint_duration_seconds",
        "Time to store a checkpoint and move its host on, before it is answered.");
    s->state_ = std::make_unique<StateEngine>(first_revision, effects, state_options);
    Server* self = s.get();
    s->revisions_.subscribe(
        [self](const control::RevisionPtr& rev) { self->state_->onRevision(rev); });

    if (s->git_source_) {
        s->git_source_->onAccepted([self](const GitSotSource::Loaded& loaded) {
            self->models_.set(loaded.model);
            self->revisions_.publish(loaded.model, self->sot_.id, loaded.commit);
        });
        return s;
    }
    s->watcher_ = std::make_unique<SotWatcher>(
        s->sot_.root, load_options, s->models_, std::chrono::seconds(s->config_.poll_interval_s),
        s->options_.accept, [self](const std::shared_ptr<const model::Model>& m) {
            self->revisions_.publish(m, self->sot_.id);
        });
    return s;
}

Result<GitSotSource::Loaded> Server::openGitSot(const model::LoadOptions& load_options) {
    const GitHookConfig* hook = nullptr;
    for (const auto& h : config_.git_hooks) {
        if (h.id == sot_.hook_id)
            hook = &h;
    }
    if (hook == nullptr)
        return Status::invalidArgument("SoT " + sot_.id + ": no GitHook '" + sot_.hook_id + "'");
    GitSotSource::Options options;
    options.load = load_options;
    options.accept = options_.accept;
    auto source = GitSotSource::open(sot_, *hook, config_.save_path, std::move(options));
    if (!source)
        return source.status();
    git_source_ = std::move(*source);
    gitter_ = std::make_unique<Gitter>(config_.gitter, config_.git_hooks,
                                       std::vector<GitSotSource*>{git_source_.get()});
    return git_source_->loadInitial();
}

Status Server::start() {
    if (gitter_)
        VQ_TRY(gitter_->start());
    if (options_.user_api) {
        http::Router router;
        UserApiContext ctx;
        ctx.model = [this] { return models_.get(); };
        ctx.engine = engine_.get();
        ctx.state = state_.get();
        ctx.metrics = [this] { return metricsText(); };
        addUserApiRoutes(router, ctx);
        addSotStatusRoute(router, sot_, git_source_.get());
        if (options_.user_api_routes)
            options_.user_api_routes(router);
        http::ServerOptions opts;
        opts.address = config_.user_api.addr;
        opts.port = static_cast<uint16_t>(config_.user_api.port);
        opts.threads = 1;
        user_api_ = std::make_unique<http::Server>(opts, std::move(router));
        // A port already taken (another instance on this machine) leaves the server running
        // without its User API: the boot path matters more.
        if (Status st = user_api_->start(); st) {
            VQ_LOG_INFO("USER_API_READY addr={}:{}", config_.user_api.addr, user_api_->port());
        } else {
            std::cerr << "warning: User API not served: " << st.message() << "\n";
            VQ_LOG_WARN("USER_API_UNAVAILABLE addr={}:{} reason=\"{}\"", config_.user_api.addr,
                        config_.user_api.port, st.message());
            user_api_.reset();
        }
    }
    state_->start();
    if (watcher_)
        watcher_->start();
    return Status::ok();
}

void Server::stop() {
    if (gitter_)
        gitter_->stop();
    if (watcher_)
        watcher_->stop();
    if (state_)
        state_->stop();
    if (user_api_) {
        user_api_->stop();
        user_api_.reset();
    }
}

control::Links Server::links() {
    return control::Links{&revisions_, this, this, this};
}

uint16_t Server::gitterPort() const {
    return gitter_ ? gitter_->port() : 0;
}

uint16_t Server::userApiPort() const {
    return user_api_ ? user_api_->port() : 0;
}

const std::string& Server::storeFile() const {
    return store_->file();
}

control::ServedBoot Server::served(const model::Site& site,
                                   const model::Host& host,
                                   const model::Model& model) {
    auto c = engine_->currentBoot(site.id, host, model, std::chrono::system_clock::now());
    return control::ServedBoot{c.boot, c.stage};
}

void Server::report(std::string_view, const HostEvent&) {
    events_reported_.fetch_add(1, std::memory_order_relaxed);
}

Result<std::string> Server::checkpoint(std::string_view site,
                                       std::string_view host,
                                       std::string_view boot) {
    auto m = models_.get();
    if (!m)
        return Status::unavailable("no model loaded");
    const auto started = std::chrono::steady_clock::now();
    auto t = engine_->checkpoint(site, host, boot, *m, std::chrono::system_clock::now());
    if (!t)
        return t.status();
    state_->checkpoint(t->progress.site, t->progress.host, boot);
    checkpoint_seconds_->observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return t->summary();
}

std::string Server::metricsText() const {
    metrics::Exposition out;
    out.gauge("vaquero_build_info", "The running build; the value is always 1.",
              {{"version", std::string(version())}}, 1);
    out.counter("vaquero_events_reported_total", "Host events reported by agents.", {},
                static_cast<double>(events_reported_.load(std::memory_order_relaxed)));
    state_->collect(out);
    return metrics_.render(out);
}

std::vector<control::Task> Server::pending(std::string_view, std::string_view) {
    return {};
}

}  // namespace vq::server
