#include "server/server.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <iostream>
#include <optional>
#include <set>

#include "etcd/client.h"
#include "etcd/http_transport.h"
#include <nlohmann/json.hpp>

#include "base/log.h"
#include "base/version.h"
#include "http/server.h"
#include "model/load.h"
#include "model/shared_definitions.h"
#include "model/sot_bundle.h"
#include "server/config_repos.h"
#include "server/etcd_client.h"
#include "server/etcd_task_journal.h"
#include "server/file_task_journal.h"
#include "server/local_sot_push_target.h"
#include "server/stored_revision_files.h"
#include "server/task_effects.h"
#include "server/user_api_listener.h"
#include "store/etcd_progress_store.h"
#include "store/etcd_rollout_store.h"
#include "store/sqlite_db.h"
#include "store/sqlite_progress_store.h"
#include "store/sqlite_rollout_store.h"

namespace vq::server {

// How long a changed local SoT must hold still before it is loaded (at most a poll interval):
// long enough for an editor's truncate-and-rewrite, short against propagation to agents.
constexpr std::chrono::milliseconds kSotSettle{200};

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
    : config_(std::move(config)),
      options_(std::move(options)),
      feed_(options_.feed != nullptr ? *options_.feed : own_feed_) {}

Server::~Server() {
    stop();
}

Result<std::unique_ptr<Server>> Server::open(const Config& config, ServerOptions options) {
    std::unique_ptr<Server> s(new Server(config, std::move(options)));
    const SotSourceConfig* sot = nullptr;
    for (const auto& source : s->config_.sots) {
        if (sot == nullptr && (s->options_.sot_id.empty() || source.id == s->options_.sot_id))
            sot = &source;
    }
    const std::string where = s->config_.file.empty() ? "the configuration" : s->config_.file;
    if (sot == nullptr && !s->options_.sot_id.empty())
        return Status::invalidArgument(where + ": no SoT '" + s->options_.sot_id + "'");
    if (sot == nullptr)
        return Status::invalidArgument(where + ": no SoT to serve (SoT[].Local or SoT[].Git)");
    s->sot_ = *sot;

    // Host state first: an unusable store is a startup error, not a failed checkpoint.
    VQ_TRY(s->openStore());
    s->feed_sink_ = std::make_unique<ChangeFeedSink>(s->feed_, s->options_.workflow_events,
                                                     &s->manifest_changes_);
    s->workflow_log_ = std::make_unique<WorkflowEventLog>(s->feed_sink_.get());
    s->engine_ = std::make_unique<workflow::WorkflowEngine>(*s->store_, s->workflow_log_.get());
    VQ_TRY(s->engine_->loadAll());
    VQ_LOG_INFO("STORE_OPENED file={} hosts={}", s->store_where_, s->engine_->all().size());

    model::LoadOptions load_options;
    std::shared_ptr<const model::Model> first_model;
    std::string first_commit;
    std::optional<std::string> first_bundle;  // a local SoT's, its definitions included
    if (s->sot_.kind == SotSourceConfig::Kind::Git) {
        auto git = s->openGitSot(load_options);
        if (!git)
            return git.status();
        first_model = git->model;
        first_commit = git->commit;
    } else {
        // A git configuration its sites may name is fetched with every load (with GitHooks
        // configured: the configuration's id names one), and a push to it, arriving on its
        // GitHook, reloads the SoT. The Gitter listens from the start, so sites that name a
        // configuration only after an edit are followed too (the target asks the watcher which
        // hook the last load named).
        if (!s->config_.git_hooks.empty()) {
            s->local_config_repos_ = std::make_unique<ConfigRepos>(
                std::filesystem::path(s->config_.save_path) / "git" / s->sot_.id / "config",
                s->config_.git_hooks, "master", std::chrono::seconds(120));
            s->fetch_definitions_ = [repos = s->local_config_repos_.get()](
                                        const model::SotConfig& c) { return repos->takeGit(c); };
            s->local_push_ = std::make_unique<LocalSotPushTarget>(s->sot_);
            if (s->options_.gitter) {
                s->gitter_ =
                    std::make_unique<Gitter>(s->config_.gitter, s->config_.git_hooks,
                                             std::vector<PushTarget*>{s->local_push_.get()});
            }
        }
        auto local =
            model::loadLocalSot(s->sot_.root, load_options, &s->sot_cache_, s->fetch_definitions_);
        const model::LoadResult& first = local.result;
        if (first.io_failure || !first.model) {
            std::string why;
            for (const auto& d : first.diagnostics)
                why += ": " + d.message;
            return Status::unavailable("cannot read SoT " + s->sot_.root + why);
        }
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
        if (!local.ignored.empty())
            VQ_LOG_WARN("SOT_CONFIG_IGNORED sot={} reason=\"{}\"", s->sot_.id, local.ignored);
        if (!local.definitions.empty())
            VQ_LOG_INFO("SOT_CONFIG sot={} definitions={}", s->sot_.id, local.definitions.string());
        if (!local.fetched.hook_id.empty()) {
            VQ_LOG_INFO("SOT_CONFIG sot={} {} hook={}", s->sot_.id, local.fetched.summary,
                        local.fetched.hook_id);
        }
        s->local_fetched_ = local.fetched;
        first_model = first.model;
        s->definitions_dir_ = local.definitions;
        // What is stored as the revision is what the model was loaded from.
        first_bundle = model::packSot(std::move(local.files));
    }
    s->models_.set(first_model);
    Server* self = s.get();
    s->pinned_ = std::make_unique<PinnedRevisions>(*s->rollout_store_, load_options);
    s->revisions_.setOlder([self](uint64_t n) { return self->pinned_->get(n); });
    s->revisions_.setNumbering([self](uint64_t at_least) {
        return self->rollout_store_->allocateRevisionNumber(at_least);
    });
    // Every revision is stored with its files before anyone acts on it (the directory the
    // model was just loaded from: a git SoT's tree is rewritten only by the next load).
    s->revisions_.setBeforePublish([self](const control::ModelRevision& rev) {
        Result<std::string> bundle = self->next_bundle_.valid()
                                         ? Result<std::string>(self->next_bundle_.get())
                                         : model::bundleOfDir(self->sotDir());
        Status st = bundle ? self->rollout_store_->saveRevision(workflow::StoredRevision{
                                 rev.number, rev.source_id, rev.commit, rev.loaded, *bundle})
                           : bundle.status();
        if (!st)
            VQ_LOG_ERROR("REVISION_NOT_STORED revision={} error=\"{}\"", rev.number, st.message());
    });

    // Where the rollout stood: the last stored revision is what the engine starts from; the
    // SoT as it is now is that revision again, or the next one.
    auto bundle =
        first_bundle ? Result<std::string>(*first_bundle) : model::bundleOfDir(s->sotDir());
    if (first_bundle) {
        // The first publication below stores this bundle, not the directory's alone.
        std::promise<std::string> ready;
        ready.set_value(*first_bundle);
        s->next_bundle_ = ready.get_future();
    }
    if (!bundle) {
        return Status::unavailable("cannot read SoT " + s->sotDir().string() + ": " +
                                   bundle.message());
    }
    auto last = s->rollout_store_->latestRevision();
    if (!last)
        return last.status();
    // A store is kept where the SoT's place in SoT[] puts it (the first in SavePath): another
    // SoT's there means the list was reordered, and its hosts' state is not this SoT's.
    if (*last && s->config_.sots.size() > 1 && !s->config_.etcd.present &&
        (*last)->source_id != s->sot_.id) {
        return Status::failedPrecondition(
            s->store_where_ + " holds the state of SoT '" + (*last)->source_id + "', not of '" +
            s->sot_.id +
            "' (the first SoT[] entry keeps its state in SavePath, the others in "
            "SavePath/sots/<ID>): list the SoTs in their former order, or give the SoT its "
            "former ID");
    }
    StateEngineOptions state_options;
    auto rollout = s->rollout_store_->loadRollout(state_options.history);
    if (!rollout)
        return rollout.status();
    control::RevisionPtr engine_first;
    bool publish_current = true;
    if (*last) {
        const workflow::StoredRevision& stored = **last;
        s->revisions_.setNextNumber(stored.number + 1);
        if (stored.bundle == *bundle) {
            auto same = std::make_shared<control::ModelRevision>();
            same->number = stored.number;
            same->source_id = stored.source_id;
            same->commit = stored.commit;
            same->loaded = stored.loaded;
            same->model = first_model;
            s->revisions_.adopt(same);
            engine_first = same;
            publish_current = false;
        } else {
            engine_first = s->pinned_->get(stored.number);  // planned against it below
        }
        // A revision stored but not yet planned when the server stopped (it stops between
        // the two writes): the engine starts from the revision it planned and plans the
        // newer one again, so the hosts it changes are not taken as provisioned from it.
        if (rollout->follow != 0 && rollout->follow < stored.number) {
            if (auto planned = s->pinned_->get(rollout->follow); planned) {
                VQ_LOG_WARN("REVISION_NOT_PLANNED revision={} planned={}: planned again",
                            stored.number, rollout->follow);
                engine_first = planned;  // the stored one follows it (subscribeLast below)
            }
        }
        VQ_LOG_INFO("REVISIONS_RESTORED last={} planned={} sot_changed={}", stored.number,
                    rollout->follow, publish_current);
    }
    if (!engine_first) {
        engine_first = s->revisions_.publish(first_model, s->sot_.id, first_commit);
        if (!engine_first)
            return Status::unavailable("cannot store the next revision number in SavePath " +
                                       s->config_.save_path);
        publish_current = false;
    }
    s->pinned_->add(engine_first);

    // Tasks for the sites' agents; a restart (or the next HA leader) remembers which ran:
    // SavePath/tasks.journal, or etcd beside the rest of the state.
    auto journal = s->openTaskJournal();
    if (!journal)
        return journal.status();
    TaskQueueOptions tq;
    tq.pickup_timeout = std::chrono::seconds(s->config_.tasks.pickup_timeout_s);
    tq.metrics = &s->metrics_;
    s->tasks_ = std::make_unique<TaskQueue>(tq, std::move(*journal));
    Effects* effects = s->options_.effects;
    if (effects == nullptr) {
        TaskEffectsOptions fx;
        fx.container_timeout_s = s->config_.containers.timeout_s;
        s->own_effects_ = std::make_unique<TaskEffects>(*s->tasks_, fx);
        effects = s->own_effects_.get();
    }
    state_options.events = s->feed_sink_.get();  // the engine logs HOST_STATE itself
    state_options.stages = s->engine_.get();
    state_options.store = s->rollout_store_.get();
    state_options.metrics = &s->metrics_;
    // A revision the last host moved off is dropped at once (memory, and the store beyond
    // the newest Revisions.Keep), not at the next SoT change.
    state_options.on_released = [self](const std::set<uint64_t>&) {
        self->releaseRevisions(self->state_->revision());
    };
    s->checkpoint_seconds_ = &s->metrics_.histogram(
        "vaquero_checkpoint_duration_seconds",
        "Time to store a checkpoint and move its host on, before it is answered.");
    s->state_ = std::make_unique<StateEngine>(engine_first, effects, state_options);
    s->state_->restore(*rollout);
    // Last, and once serving on a thread of its own: planning the rollout of a large site takes
    // long; agents are told first and the next SoT change is loaded meanwhile.
    s->rollout_follower_ =
        std::make_unique<RevisionFollower>([self](const control::RevisionPtr& rev) {
            self->state_->onRevision(rev);
            self->pinned_->add(rev);
            self->releaseRevisions(rev->number);
            self->manifest_changes_.tick();
        });
    s->revisions_.subscribeLast(
        [self](const control::RevisionPtr& rev) { self->rollout_follower_->push(rev); });
    if (publish_current && !s->revisions_.publish(first_model, s->sot_.id, first_commit))
        return Status::unavailable("cannot store the next revision number in SavePath " +
                                   s->config_.save_path);
    s->next_bundle_ = {};  // the first bundle, if no publication took it

    if (s->git_source_) {
        s->git_source_->onAccepted([self](const GitSotSource::Loaded& loaded) {
            self->models_.set(loaded.model);
            self->revisions_.publish(loaded.model, self->sot_.id, loaded.commit);
        });
        return s;
    }
    s->watcher_ = std::make_unique<SotWatcher>(
        s->sot_.root, load_options, s->models_, std::chrono::seconds(s->config_.poll_interval_s),
        s->options_.accept,
        [self](const std::shared_ptr<const model::Model>& m,
               const std::vector<model::SotFile>& files) {
            // Stored and served from the very files the model was loaded from, not a second
            // read.
            auto kept = std::make_shared<const std::vector<model::SotFile>>(files);
            // Packed while the revision's number is allocated (that write may wait behind the
            // rollout's): the store step takes the bundle when both are done.
            self->next_bundle_ =
                std::async(std::launch::async, [kept] { return model::packSot(*kept); });
            const bool published =
                self->revisions_.publish(m, self->sot_.id, {}, std::move(kept)) != nullptr;
            self->next_bundle_ = {};  // not left for another publication when unnumbered
            return published;
        },
        &s->sot_cache_,
        // A change is loaded once it has held still this long (a file truncated and not yet
        // rewritten is a valid, empty, inventory); short, as agents wait for it.
        std::min<std::chrono::milliseconds>(std::chrono::seconds(s->config_.poll_interval_s),
                                            kSotSettle),
        s->definitions_dir_, s->fetch_definitions_, s->local_fetched_);
    if (s->local_push_)
        s->local_push_->setWatcher(s->watcher_.get());
    return s;
}

Status Server::openStore() {
    if (!config_.etcd.present) {
        auto db = store::SqliteDb::openDir(sotStateDir(config_, sot_.id));
        if (!db) {
            return Status::withCode(db.code(),
                                    "cannot open the state store in SavePath: " + db.message());
        }
        db_ = *db;
        auto progress = store::SqliteProgressStore::on(db_);
        if (!progress)
            return progress.status();
        store_where_ = (*progress)->file();
        store_ = std::move(*progress);
        auto rollout = store::SqliteRolloutStore::on(db_);
        if (!rollout)
            return rollout.status();
        rollout_store_ = std::move(*rollout);
        return Status::ok();
    }
    const EtcdConfig& ec = config_.etcd;
    std::shared_ptr<etcd::Client> client = options_.etcd;
    if (!client) {
        auto client_made = etcdClientFor(ec);
        if (!client_made)
            return client_made.status();
        client = *client_made;
    }
    const store::EtcdKeyspace keys{ec.root, sot_.id};
    store::EtcdWriterOptions wo;
    wo.fence = options_.etcd_fence;
    wo.mark = options_.etcd_mark;
    wo.on_failure = options_.on_store_failure;
    etcd_writer_ = std::make_shared<store::EtcdWriter>(client, std::move(wo));
    store_ = std::make_unique<store::EtcdProgressStore>(etcd_writer_, keys);
    rollout_store_ = std::make_unique<store::EtcdRolloutStore>(etcd_writer_, keys);
    std::string endpoints;
    for (const auto& e : ec.endpoints)
        endpoints += (endpoints.empty() ? "" : ",") + e;
    store_where_ = "etcd " + endpoints + " " + keys.sotPrefix();
    // Reading the rollout is the first request: etcd unreachable fails the start here.
    return Status::ok();
}

Result<std::unique_ptr<TaskJournal>> Server::openTaskJournal() {
    constexpr size_t kTasksKept = 10'000;
    if (etcd_writer_) {
        auto j = EtcdTaskJournal::open(etcd_writer_,
                                       store::EtcdKeyspace{config_.etcd.root, sot_.id}, kTasksKept);
        if (!j)
            return j.status();
        return std::unique_ptr<TaskJournal>(std::move(*j));
    }
    auto j = FileTaskJournal::open(
        std::filesystem::path(sotStateDir(config_, sot_.id)) / "tasks.journal", kTasksKept);
    if (!j)
        return j.status();
    return std::unique_ptr<TaskJournal>(std::move(*j));
}

void Server::releaseRevisions(uint64_t latest) {
    std::set<uint64_t> pinned = state_->pinnedRevisions();
    pinned.insert(latest);
    pinned_->retain(pinned);
    const size_t keep = static_cast<size_t>(std::max(1, config_.revisions_keep));
    if (Status st = rollout_store_->pruneRevisions(keep, pinned); !st)
        VQ_LOG_WARN("REVISIONS_NOT_PRUNED error=\"{}\"", st.message());
}

std::filesystem::path Server::sotDir() const {
    return git_source_ ? git_source_->treeDir() : std::filesystem::path(sot_.root);
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
    options.hooks = config_.git_hooks;
    auto source = GitSotSource::open(sot_, *hook, config_.save_path, std::move(options));
    if (!source)
        return source.status();
    git_source_ = std::move(*source);
    if (options_.gitter) {
        gitter_ = std::make_unique<Gitter>(config_.gitter, config_.git_hooks,
                                           std::vector<PushTarget*>{git_source_.get()});
    }
    return git_source_->loadInitial();
}

Status Server::start() {
    if (gitter_)
        VQ_TRY(gitter_->start());
    if (options_.user_api) {
        UserApiListenerOptions ua;
        ua.sots = {view()};
        ua.feed = &feed_;
        ua.metrics = [this] { return metricsText(); };
        user_api_ = startUserApi(config_, std::move(ua));
    }
    tasks_->start();
    state_->start();
    rollout_follower_->start();
    if (watcher_)
        watcher_->start();
    return Status::ok();
}

void Server::stop() {
    if (tasks_)
        tasks_->stop();
    if (gitter_)
        gitter_->stop();
    if (watcher_)
        watcher_->stop();
    if (rollout_follower_)
        rollout_follower_->stop();
    if (state_)
        state_->stop();
    if (user_api_) {
        user_api_->stop();
        user_api_.reset();
    }
}

control::Links Server::links() {
    return control::Links{&revisions_, this, this, tasks_.get()};
}

uint16_t Server::gitterPort() const {
    return gitter_ ? gitter_->port() : 0;
}

uint16_t Server::userApiPort() const {
    return user_api_ ? user_api_->port() : 0;
}

Result<std::pair<control::RevisionPtr, Server::RevisionFiles>> Server::pinnedRevision(
    uint64_t number) {
    // Only what some host needs: loading any stored revision an agent names would let one
    // agent make the server load (and keep) old models at will.
    control::RevisionPtr rev = revisions_.find(number);
    if (!rev && state_->pinnedRevisions().count(number) != 0)
        rev = revisions_.revision(number);
    if (!rev)
        return Status::notFound("revision " + std::to_string(number) + " is not pinned");
    if (rev->files)
        return std::make_pair(rev, rev->files);
    auto stored = storedRevisionFiles(*rollout_store_, number);
    if (!stored)
        return stored.status();
    return std::make_pair(rev,
                          std::make_shared<const std::vector<NamedFile>>(std::move(stored->files)));
}

control::ServedBoot Server::served(const model::Site& site,
                                   const model::Host& host,
                                   const model::Model& model) {
    auto c = engine_->currentBoot(site.id, host, model, std::chrono::system_clock::now());
    return control::ServedBoot{c.boot, c.stage, state_->servedRevision(site.id, host.name)};
}

void Server::report(std::string_view site, const HostEvent& event) {
    events_reported_.fetch_add(1, std::memory_order_relaxed);
    auto m = models_.get();
    if (!m)
        return;
    if (auto r = host_events_.record(*m, site, event); r && feed_.watched()) {
        nlohmann::json j = toJson(r->event);
        j["type"] = "event";
        j["site"] = r->site;
        j["host"] = r->host;
        feed_.publish(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
}

Result<std::string> Server::checkpoint(std::string_view site,
                                       std::string_view host,
                                       std::string_view boot) {
    auto m = models_.get();
    if (!m)
        return Status::unavailable("no model loaded");
    const auto started = std::chrono::steady_clock::now();
    // The host's stages are those of the revision it is pinned to.
    if (auto pinned = revisions_.revision(state_->servedRevision(site, host)); pinned)
        m = pinned->model;
    // Both writes (the host's stage, then the rollout's step) are queued before either is
    // waited for, so they share a commit, with those of concurrent checkpoints; the answer
    // comes once both are on disk: an acknowledged checkpoint survives anything.
    auto t = engine_->checkpointQueued(site, host, boot, *m, std::chrono::system_clock::now());
    if (!t)
        return t.status();
    Status rollout = state_->checkpoint(t->progress.site, t->progress.host, boot);
    VQ_TRY(engine_->waitStored(*t));
    VQ_TRY(rollout);
    manifest_changes_.tick();
    if (feed_.watched()) {
        nlohmann::json j = {{"type", "checkpoint"},
                            {"site", t->progress.site},
                            {"host", t->progress.host},
                            {"boot", std::string(boot)},
                            {"stage", t->progress.stage + 1},
                            {"state", std::string(workflow::toString(t->progress.state))}};
        feed_.publish(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    checkpoint_seconds_->observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return t->summary();
}

PushTarget* Server::pushTarget() {
    if (git_source_)
        return git_source_.get();
    return local_push_.get();
}

SotView Server::view() {
    SotView v;
    v.sot = &sot_;
    v.git = git_source_.get();
    v.model = [this] { return models_.get(); };
    v.engine = engine_.get();
    v.state = state_.get();
    v.host_events = &host_events_;
    return v;
}

std::string Server::metricsText() const {
    return metricsText(std::vector<const Server*>{this});
}

std::string Server::metricsText(const std::vector<const Server*>& servers) {
    metrics::Exposition out;
    out.gauge("vaquero_build_info", "The running build; the value is always 1.",
              {{"version", std::string(version())}}, 1);
    for (const Server* s : servers) {
        if (servers.size() > 1)
            out.setCommonLabels({{"sot", s->sot_.id}});
        s->collectMetrics(out);
    }
    return out.render();
}

void Server::collectMetrics(metrics::Exposition& out) const {
    out.counter("vaquero_events_reported_total", "Host events reported by agents.", {},
                static_cast<double>(events_reported_.load(std::memory_order_relaxed)));
    out.gauge("vaquero_tasks", "Tasks for the sites' agents, by state.", {{"state", "waiting"}},
              static_cast<double>(tasks_->waiting()));
    out.gauge("vaquero_tasks", "Tasks for the sites' agents, by state.", {{"state", "leased"}},
              static_cast<double>(tasks_->leased()));
    state_->collect(out);
    metrics_.gather(out);
}

}  // namespace vq::server
