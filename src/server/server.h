#pragma once
// The server: what owns state. From its configuration it reads the SoT (a local directory,
// polled; or a git repository, fetched at start and on every push webhook the Gitter
// receives), numbers every accepted load as a model revision,
// keeps host state in the store (<SavePath>/vaquero.db) through the workflow engine, and
// answers the User API. Every accepted revision is stored with the SoT's files (the newest
// Revisions.Keep, plus every one a host is pinned to); a restart goes on from the stored
// rollout and revision numbers: a SoT equal to the last stored revision is that revision,
// another is the next one, planned against the stored one. Each host is served from the
// revision it is pinned to (served().revision, revisions().revision(n)). It serves its agents
// through the control interfaces (control/links.h); in `standalone` the agent holds pointers to
// this object, in `server` the network will. Several servers can run in one process (no globals).

#include <atomic>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "control/links.h"
#include "control/model_holder.h"
#include "etcd/types.h"
#include "metrics/registry.h"

#include "base/event.h"
#include "base/result.h"
#include "server/change_clock.h"
#include "server/change_feed.h"
#include "server/config.h"
#include "server/effects.h"
#include "server/git_sot_source.h"
#include "server/gitter.h"
#include "server/host_event_log.h"
#include "server/pinned_revisions.h"
#include "server/revision_follower.h"
#include "server/revision_log.h"
#include "server/sot_view.h"
#include "server/sot_watcher.h"
#include "server/state_engine.h"
#include "server/task_queue.h"
#include "workflow/engine.h"

namespace vq::http {
class Router;
class Server;
}  // namespace vq::http
namespace vq::store {
class SqliteDb;
class EtcdWriter;
}  // namespace vq::store
namespace vq::etcd {
class Client;
}  // namespace vq::etcd

namespace vq::server {

class ConfigRepos;
class LocalSotPushTarget;

struct ServerOptions {
    // The SoT[] entry served, by ID; empty: the first. A server of several SoTs is one
    // Server each (control_plane.h); each keeps its state in sotStateDir() (config.h), or
    // under <Etcd.Root>/<ID>/.
    std::string sot_id;
    // A git SoT's own Gitter listens for its webhooks; off when one Gitter serves the
    // sources of several (gitSource()).
    bool gitter = true;
    // Where the dashboard's live updates go; null: this server's own feed. Several servers
    // share one. Must outlive the server.
    ChangeFeed* feed = nullptr;
    // Receives every workflow transition (HOST_STAGE_DONE, HOST_PROVISIONED, ...) besides
    // the log; may be null; must outlive the server.
    EventSink* workflow_events = nullptr;
    // Decides whether a reloaded model may replace the served one (an error message
    // refuses it); the first load is checked too.
    SotWatcher::Accept accept;
    bool user_api = true;  // listen on UserApi (tests may turn it off)
    // What reboots hosts and runs containers for the state engine; null: tasks for the
    // site's agents (TaskEffects on tasks()). Must outlive the server.
    Effects* effects = nullptr;
    // With an Etcd section: the client to use (null: one is made from the section), the
    // condition every write carries (the leader's fence under HA), and who hears a write
    // that failed (under HA the process stops acting at once).
    std::shared_ptr<etcd::Client> etcd;
    std::vector<etcd::Compare> etcd_fence;
    std::vector<etcd::Op> etcd_mark;  // put in every write under HA (store/etcd_writer.h)
    std::function<void(const Status&)> on_store_failure;
};

class Server : public control::StateManifest, public control::EventReport {
public:
    // Opens the store and loads the SoT: everything that can fail at start fails here,
    // with a message for the operator. Nothing listens yet.
    static Result<std::unique_ptr<Server>> open(const Config& config, ServerOptions options);
    ~Server() override;

    // The User API listener (a taken port is a warning: the boot path still runs), the
    // SoT watcher, and for a git SoT the Gitter (a port it cannot bind is an error).
    Status start();
    void stop();

    control::Links links();
    control::RevisionFeed& revisions() { return revisions_; }
    workflow::WorkflowEngine& engine() { return *engine_; }
    StateEngine& stateEngine() { return *state_; }
    // A revision some host is pinned to (or a kept one), with the files it was loaded from:
    // what an agent that never held it downloads. not_found when the server has neither.
    using RevisionFiles = std::shared_ptr<const std::vector<NamedFile>>;
    Result<std::pair<control::RevisionPtr, RevisionFiles>> pinnedRevision(uint64_t number);
    // Power actions and containers waiting for, or run by, the sites' agents.
    TaskQueue& tasks() { return *tasks_; }
    // 0 when the User API is not served.
    uint16_t userApiPort() const;
    // 0 when the SoT is not fed from git.
    uint16_t gitterPort() const;
    // Events reported by agents so far.
    uint64_t eventsReported() const { return events_reported_.load(); }
    const HostEventLog& hostEvents() const { return host_events_; }
    // Ticks whenever what served() answers may have changed (transitions, checkpoints,
    // revisions): what agents long-poll for their state manifest.
    ChangeClock& manifestChanges() { return manifest_changes_; }
    // The embedded store's file, or the etcd keyspace ("etcd <endpoints> <Root>/<sot>/").
    const std::string& storeFile() const { return store_where_; }
    // What GET /metrics on the User API answers: hosts by state, transitions, power actions,
    // containers, checkpoints, events, the revision, the build.
    std::string metricsText() const;
    // The same for a process serving several SoTs: the build once, then each server's
    // samples, labelled sot="<ID>" when there are more than one.
    static std::string metricsText(const std::vector<const Server*>& servers);

    const SotSourceConfig& sot() const { return sot_; }
    // Null for a local SoT.
    GitSotSource* gitSource() { return git_source_.get(); }
    // What a push webhook refreshes: a git SoT, or a local SoT whose sites took a git
    // configuration at the first load; null otherwise.
    PushTarget* pushTarget();
    // What the User API and the dashboard read of this server's SoT.
    SotView view();
    // The directory the served SoT is loaded from: the local root, or the tree a git
    // source checks out.
    std::filesystem::path sotDir() const;

    // control::StateManifest
    control::ServedBoot served(const model::Site& site,
                               const model::Host& host,
                               const model::Model& model) override;
    // control::EventReport
    void report(std::string_view site, const HostEvent& event) override;
    Result<std::string> checkpoint(std::string_view site,
                                   std::string_view host,
                                   std::string_view boot) override;

private:
    class WorkflowEventLog;
    Server(Config config, ServerOptions options);
    // This server's samples (metricsText() but the build's).
    void collectMetrics(metrics::Exposition& out) const;
    // Opens the git SoT's mirror and the Gitter, and loads the branch (open()'s git half).
    Result<GitSotSource::Loaded> openGitSot(const model::LoadOptions& load_options);

    Config config_;
    ServerOptions options_;
    // What changed, for the dashboard's live updates (options_.feed when shared);
    // transitions reach it through the sink.
    ChangeFeed own_feed_;
    ChangeFeed& feed_;
    ChangeClock manifest_changes_;
    std::unique_ptr<ChangeFeedSink> feed_sink_;
    SotSourceConfig sot_;
    std::unique_ptr<WorkflowEventLog> workflow_log_;
    // Opens the embedded store or etcd, as configured (open()'s first step).
    Status openStore();
    // Where tasks' leases and results are kept: beside the store (open()'s step for tasks).
    Result<std::unique_ptr<TaskJournal>> openTaskJournal();
    std::shared_ptr<store::SqliteDb> db_;
    std::shared_ptr<store::EtcdWriter> etcd_writer_;  // with etcd: every store's writes
    std::unique_ptr<workflow::ProgressStore> store_;
    std::unique_ptr<workflow::RolloutStore> rollout_store_;
    std::string store_where_;
    std::unique_ptr<PinnedRevisions> pinned_;
    std::unique_ptr<workflow::WorkflowEngine> engine_;
    control::ModelHolder models_;
    // The parsed files of the served SoT: a reload parses only what changed.
    model::ParsedSotCache sot_cache_;
    RevisionLog revisions_;
    // Before the state engine, which keeps references to its counters.
    metrics::Registry metrics_;
    metrics::Histogram* checkpoint_seconds_ = nullptr;
    // Declared after the revision log it subscribes to, before the effects that call it back
    // (destroyed first, so no answer arrives at a destroyed engine).
    std::unique_ptr<StateEngine> state_;
    std::unique_ptr<RevisionFollower> rollout_follower_;  // hands revisions to state_
    // Revisions no host needs any more leave memory and the store.
    void releaseRevisions(uint64_t latest);
    // After the engine its answers call, before the effects that submit to it.
    std::unique_ptr<TaskQueue> tasks_;
    std::unique_ptr<Effects> own_effects_;
    std::unique_ptr<SotWatcher> watcher_;    // a local SoT
    std::filesystem::path definitions_dir_;  // its configuration directory, if its sites name one
    // Its git configuration, if its sites name one: fetched with every load, followed on pushes.
    std::unique_ptr<ConfigRepos> local_config_repos_;
    model::FetchDefinitions fetch_definitions_;
    model::FetchedDefinitions local_fetched_;  // what the first load took from it (no files)
    std::unique_ptr<LocalSotPushTarget> local_push_;
    // The bundle of the revision the watcher is publishing (its thread only), so what is
    // stored is what was loaded.
    std::future<std::string> next_bundle_;
    std::unique_ptr<GitSotSource> git_source_;  // a git SoT, fed by the Gitter
    std::unique_ptr<Gitter> gitter_;
    std::unique_ptr<http::Server> user_api_;
    std::atomic<uint64_t> events_reported_{0};
    HostEventLog host_events_;  // the boot timeline of every host, for the dashboard
};

}  // namespace vq::server
