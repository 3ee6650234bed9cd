#include "server/state_engine.h"

#include <algorithm>

#include "plan/plan.h"
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/log.h"
#include "model/host_roles.h"
#include "render/boot_renderer.h"
#include "render/task_containers.h"
#include "server/power_target.h"

namespace vq::server {

namespace {

using workflow::ActionKind;
using workflow::Phase;

// A custom BMC reboots its host by running its container.
bool isCustom(const model::Interface* i) {
    return i != nullptr && i->bmc && i->bmc->type == "custom" && i->bmc->container;
}

container::ContainerSpec containerSpec(const model::Container& c) {
    container::ContainerSpec s;
    s.image = c.image;
    s.pull = c.pull;
    s.command = c.command;
    s.args = c.args;
    s.commands = c.commands;
    s.env = c.env;
    if (c.registry_auth) {
        s.registry_username = c.registry_auth->username;
        s.registry_password = c.registry_auth->password;
    }
    s.retry = c.retry;
    s.timeout_s = c.timeout;
    return s;
}

}  // namespace

StateEngine::StateEngine(control::RevisionPtr first,
                         Effects* effects,
                         StateEngineOptions options,
                         const Clock& clock)
    : options_(std::move(options)), clock_(clock), effects_(effects), current_(std::move(first)) {
    started_ = std::chrono::system_clock::now();
    if (options_.metrics != nullptr) {
        for (size_t i = 0; i < transitions_.size(); ++i) {
            transitions_[i] = &options_.metrics->counter(
                "vaquero_host_transitions_total", "Rollout transitions, by the phase entered.",
                {{"to", std::string(toString(static_cast<Phase>(i)))}});
        }
        records_written_ = &options_.metrics->counter(
            "vaquero_rollout_records_written_total",
            "Host rollout records written to the store (hosts that only follow a new revision "
            "are not rewritten).");
    }
    const uint64_t number = current_ ? current_->number : 0;
    if (current_ && current_->model) {
        rollout_ = std::make_unique<workflow::Rollout>(
            rolloutRules(*current_->model), rolloutHosts(*current_->model), number, clock_.now());
    } else {
        rollout_ = std::make_unique<workflow::Rollout>(std::vector<workflow::WorkflowRules>{},
                                                       std::vector<workflow::RolloutHost>{}, number,
                                                       clock_.now());
    }
}

void StateEngine::restore(const workflow::RolloutState& state) {
    Pending pending;
    {
        std::lock_guard lock(mu_);
        workflow::Step step =
            rollout_->restore(state.hosts, state.flows, clock_.now(), state.follow);
        // Stored hosts the model no longer has were removed (before the restart, or while
        // the server was down): their history stays readable.
        for (const auto& r : state.hosts) {
            if (!rollout_->status(r.key))
                removed_[r.key] = r.phase == Phase::removed ? r.revision : 0;
        }
        for (const auto& [key, list] : state.history) {
            auto& h = history_[key];
            for (const auto& t : list) {
                h.push_back(HostTransition{t.time, t.transition});
                while (h.size() > options_.history)
                    h.pop_front();
            }
            if (!list.empty())
                since_[key] = list.back().time;
        }
        VQ_LOG_INFO("ROLLOUT_RESTORED hosts={} workflows={} planned={} rerun={}",
                    state.hosts.size(), state.flows.size(), state.follow, step.actions.size());
        // Stored at once: the revision planned (a first start, or one other than the stored)
        // and the records that must name theirs now.
        pending = applyLocked(step);
    }
    (void)settle(std::move(pending));
}

uint64_t StateEngine::servedRevision(std::string_view site, std::string_view host) const {
    std::lock_guard lock(mu_);
    auto where = resolveLocked(site, host);
    if (!where)
        return 0;
    auto st = rollout_->status(hostKey(*where->site, *where->host));
    if (!st)
        return 0;
    switch (st->phase) {
        case Phase::provisioned:
        case Phase::pending:
            return st->provisioned_revision != 0 ? st->provisioned_revision : st->revision;
        default:
            return st->revision;
    }
}

std::set<uint64_t> StateEngine::pinnedRevisions() const {
    std::lock_guard lock(mu_);
    return rollout_->pinnedRevisions();
}

StateEngine::~StateEngine() {
    stop();
}

void StateEngine::start() {
    std::lock_guard lock(tick_mu_);
    if (ticker_.joinable())
        return;
    stopping_ = false;
    ticker_ = std::thread([this] { run(); });
}

void StateEngine::stop() {
    {
        std::lock_guard lock(tick_mu_);
        stopping_ = true;
    }
    tick_cv_.notify_all();
    if (ticker_.joinable())
        ticker_.join();
}

void StateEngine::run() {
    std::unique_lock lock(tick_mu_);
    while (!stopping_) {
        tick_cv_.wait_for(lock, options_.tick_interval, [this] { return stopping_; });
        if (stopping_)
            break;
        lock.unlock();
        tick();
        lock.lock();
    }
}

void StateEngine::setEffects(Effects* effects) {
    std::lock_guard lock(mu_);
    effects_ = effects;
}

uint64_t StateEngine::revision() const {
    std::lock_guard lock(mu_);
    return current_ ? current_->number : 0;
}

void StateEngine::onRevision(const control::RevisionPtr& revision) {
    if (!revision || !revision->model)
        return;
    {
        std::lock_guard lock(mu_);
        if (current_ && revision->number <= current_->number)
            return;
    }
    const auto started = std::chrono::steady_clock::now();
    // What changed, by the same computation `vaquero plan` prints: only hosts whose template
    // inputs moved are rendered, outside the lock (revisions arrive one at a time, from one
    // thread: the server's RevisionFollower; so current_ changes only below).
    std::shared_ptr<const model::Model> before;
    {
        std::lock_guard lock(mu_);
        if (current_)
            before = current_->model;
    }
    const plan::Plan changes = before ? plan::computePlan(before, revision->model) : plan::Plan{};
    const auto planned = std::chrono::steady_clock::now();
    Pending pending;
    {
        std::lock_guard lock(mu_);
        const auto locked = std::chrono::steady_clock::now();
        const model::Model& m = *revision->model;
        const TimePoint now = clock_.now();
        rollout_->updateRules(rolloutRules(m));
        size_t in_model = 0;
        for (const auto& site : m.sites()) {
            if (before && before->site(site.id) == &site) {
                // The same site object as the last revision's: its hosts are the same documents,
                // all in the rollout, and their settings move only with the definitions they
                // name (stage count, before_shutdown, validate): compared once per (workflow,
                // boot), not rebuilt per host.
                std::map<std::pair<std::string_view, std::string_view>, bool> moved;
                for (const auto& host : site.hosts) {
                    auto [it, fresh] = moved.try_emplace({host.workflow, host.boot}, false);
                    if (fresh)
                        it->second = rolloutSettingsMoved(*before, m, site, host);
                    if (it->second)
                        rollout_->updateHost(rolloutHost(m, site, host));
                }
                in_model += site.hosts.size();
                continue;
            }
            for (const auto& host : site.hosts) {
                const std::string key = hostKey(site, host);
                if (rollout_->status(key)) {
                    rollout_->updateHost(rolloutHost(m, site, host));
                } else {
                    rollout_->addHost(rolloutHost(m, site, host), revision->number, now);
                    removed_.erase(key);  // back: a new host, its old history kept
                }
                ++in_model;
            }
        }
        // Hosts the revision no longer has leave the rollout, whatever they were doing. Every
        // host of the model is in the rollout now: only when it holds more is one gone.
        workflow::Step gone;
        size_t removed = 0;
        if (rollout_->hostCount() > in_model) {
            for (const auto& key : rollout_->hostKeys()) {
                const size_t slash = key.find('/');
                if (slash != std::string::npos &&
                    m.host(std::string_view(key).substr(0, slash),
                           std::string_view(key).substr(slash + 1)) != nullptr)
                    continue;
                gone.append(rollout_->removeHost(key, revision->number, now));
                removed_[key] = revision->number;
                ++removed;
            }
        }
        std::set<std::string, std::less<>> changed;
        for (const auto& sp : changes.sites) {
            for (const auto& hp : sp.hosts)
                changed.insert(sp.site + "/" + hp.host);
        }
        const auto updated = std::chrono::steady_clock::now();
        rollout_->advanceUnchanged(revision->number, changed);
        const auto advanced = std::chrono::steady_clock::now();
        auto ms = [](auto from, auto to) {
            return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
        };
        VQ_LOG_DEBUG(
            "ROLLOUT_REVISION_STEPS revision={} plan_ms={} lock_wait_ms={} hosts_ms={} "
            "advance_ms={}",
            revision->number, ms(started, planned), ms(planned, locked), ms(locked, updated),
            ms(updated, advanced));
        std::vector<std::pair<std::string, std::string>> stale;
        for (const auto& sp : changes.sites) {
            for (const auto& hp : sp.hosts) {
                std::string why;
                for (const auto& r : hp.reasons)
                    why += (why.empty() ? "" : "; ") + r.text;
                VQ_LOG_INFO(
                    "PLAN revision={} site={} host={} change={} wave={} start=\"{}\" "
                    "reasons=\"{}\"",
                    revision->number, sp.site, hp.host, plan::kindName(hp.kind), hp.wave,
                    plan::startName(hp.start), why);
                if (hp.rolledOut()) {
                    stale.emplace_back(sp.site + "/" + hp.host, std::move(why));
                }
            }
        }
        for (const auto& e : changes.errors)
            VQ_LOG_ERROR("PLAN_ERROR revision={} {}", revision->number, e);
        VQ_LOG_INFO("ROLLOUT_REVISION revision={} out_of_date={} removed={} ms={}",
                    revision->number, stale.size(), removed,
                    std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count());
        current_ = revision;
        gone.append(rollout_->outOfDate(stale, revision->number, now));
        pending = applyLocked(gone);
    }
    (void)settle(std::move(pending));
}

Status StateEngine::checkpoint(std::string_view site,
                               std::string_view host,
                               std::string_view boot) {
    Pending pending;
    {
        std::lock_guard lock(mu_);
        auto where = resolveLocked(site, host);
        if (!where)
            return Status::ok();  // the workflow engine already answered for unknown hosts
        auto boots = model::stageBoots(*current_->model, *where->host);
        auto it = std::find(boots.begin(), boots.end(), boot);
        if (it == boots.end())
            return Status::ok();
        const auto stage = static_cast<uint32_t>(it - boots.begin());
        pending = applyLocked(
            rollout_->checkpoint(hostKey(*where->site, *where->host), stage, clock_.now()));
    }
    return settle(std::move(pending));
}

void StateEngine::tick() {
    Pending pending;
    {
        std::lock_guard lock(mu_);
        pending = applyLocked(rollout_->tick(clock_.now()));
    }
    (void)settle(std::move(pending));
}

void StateEngine::actionDone(const std::string& key, ActionKind kind, bool ok, std::string error) {
    Pending pending;
    {
        std::lock_guard lock(mu_);
        if (!ok)
            VQ_LOG_WARN("HOST_ACTION_FAILED host={} action={} error=\"{}\"", key, toString(kind),
                        error);
        pending = applyLocked(rollout_->actionDone(key, kind, ok, error, clock_.now()));
    }
    (void)settle(std::move(pending));
}

Status StateEngine::reprovision(std::string_view site, std::string_view host) {
    Pending pending;
    {
        std::lock_guard lock(mu_);
        auto where = resolveLocked(site, host);
        if (!where)
            return where.status();
        const std::string key = hostKey(*where->site, *where->host);
        if (where->host->never_provision)
            return Status::failedPrecondition("host " + key + " is never_provision");
        pending = applyLocked(
            rollout_->outOfDate(key, current_->number, "operator: reprovision", clock_.now()));
    }
    return settle(std::move(pending));
}

Status StateEngine::halt(std::string_view site, std::string_view workflow) {
    Pending pending;
    {
        std::lock_guard lock(mu_);
        auto id = flowIdLocked(site, workflow);
        if (!id)
            return id.status();
        pending = applyLocked(rollout_->halt(*id, "operator: halt"));
        VQ_LOG_INFO("WORKFLOW_HALTED workflow={}", *id);
    }
    return settle(std::move(pending));
}

Status StateEngine::resume(std::string_view site, std::string_view workflow) {
    Pending pending;
    {
        std::lock_guard lock(mu_);
        auto id = flowIdLocked(site, workflow);
        if (!id)
            return id.status();
        VQ_LOG_INFO("WORKFLOW_RESUMED workflow={}", *id);
        pending = applyLocked(rollout_->resume(*id, clock_.now()));
    }
    return settle(std::move(pending));
}

Result<StateEngine::Where> StateEngine::resolveLocked(std::string_view site,
                                                      std::string_view host) const {
    if (!current_ || !current_->model)
        return Status::unavailable("no model loaded");
    const model::Site* s = current_->model->site(site);
    if (s == nullptr)
        return Status::notFound("unknown site '" + std::string(site) + "'");
    const model::Host* h = current_->model->host(s->id, host);
    if (h == nullptr)
        return Status::notFound("unknown host '" + std::string(host) + "' in site " + s->id);
    return Where{s, h};
}

Result<std::string> StateEngine::flowIdLocked(std::string_view site,
                                              std::string_view workflow) const {
    if (!current_ || !current_->model)
        return Status::unavailable("no model loaded");
    const model::Site* s = current_->model->site(site);
    if (s == nullptr)
        return Status::notFound("unknown site '" + std::string(site) + "'");
    const std::string id = flowId(s->id, std::string(workflow));
    auto ids = rollout_->workflows();
    if (workflow.empty() || std::find(ids.begin(), ids.end(), id) == ids.end())
        return Status::notFound("unknown workflow '" + std::string(workflow) + "'");
    return id;
}

StateEngine::Pending StateEngine::applyLocked(const workflow::Step& step) {
    const workflow::WallTime now = std::chrono::system_clock::now();
    Pending pending;
    pending.actions = step.actions;
    pending.released = rollout_->takeReleased();
    workflow::RolloutChanges changes = rollout_->takeChanges();
    if (options_.store != nullptr && (!changes.empty() || !step.transitions.empty())) {
        if (records_written_ != nullptr)
            records_written_->inc(changes.hosts.size());
        std::vector<workflow::StoredTransition> stored;
        stored.reserve(step.transitions.size());
        for (const auto& t : step.transitions)
            stored.push_back(workflow::StoredTransition{now, t});
        pending.ticket =
            options_.store->saveRollout(std::move(changes), std::move(stored), options_.history);
    }
    for (const auto& t : step.transitions) {
        VQ_LOG_INFO("HOST_STATE host={} from={} to={} stage={} revision={} reason=\"{}\"", t.host,
                    toString(t.from), toString(t.to), t.stage + 1, t.revision, t.reason);
        if (auto* c = transitions_[static_cast<size_t>(t.to)])
            c->inc();
        auto& h = history_[t.host];
        h.push_back(HostTransition{now, t});
        while (h.size() > options_.history)
            h.pop_front();
        since_[t.host] = now;

        const auto slash = t.host.find('/');
        const std::string site = t.host.substr(0, slash);
        const std::string name = slash == std::string::npos ? "" : t.host.substr(slash + 1);
        auto where = resolveLocked(site, name);
        if (options_.events != nullptr) {
            HostEvent e;
            e.time = now;
            if (where)
                if (const model::Interface* i = model::bootInterface(*where->host))
                    e.mac = i->mac;
            e.source = "engine";
            e.kind = "HOST_STATE";
            e.detail =
                fmt::format("host={} from={} to={} stage={} revision={} reason=\"{}\"", t.host,
                            toString(t.from), toString(t.to), t.stage + 1, t.revision, t.reason);
            options_.events->record(std::move(e));
        }
        // A reprovisioning starts from the workflow's first stage, whatever the host was on.
        if ((t.to == Phase::rebooting || t.to == Phase::awaiting_reboot) && where &&
            options_.stages != nullptr) {
            auto boots = model::stageBoots(*current_->model, *where->host);
            if (!boots.empty()) {
                auto r =
                    options_.stages->override(site, name, boots.front(), *current_->model, now);
                if (!r)
                    VQ_LOG_WARN("HOST_STAGE_RESET_FAILED host={} error=\"{}\"", t.host,
                                r.message());
            }
        }
    }
    return pending;
}

Status StateEngine::settle(Pending pending) {
    if (pending.ticket) {
        Status st = options_.store->wait(*pending.ticket);
        if (!st) {
            std::lock_guard lock(mu_);
            rollout_->markAllChanged();  // the next step writes everything again
            VQ_LOG_ERROR("ROLLOUT_NOT_STORED actions_dropped={} error=\"{}\"",
                         pending.actions.size(), st.message());
            return st;
        }
    }
    carryOut(pending.actions);
    // Only once stored: a restart must not find a host pinned to a dropped revision.
    if (!pending.released.empty() && options_.on_released)
        options_.on_released(pending.released);
    return Status::ok();
}

void StateEngine::carryOut(const std::vector<workflow::Action>& actions) {
    for (const auto& a : actions) {
        Effects* effects = nullptr;
        ActionRef ref{a.host, {}};
        Result<power::Target> target = Status::unavailable("no model");
        std::vector<container::ContainerSpec> specs;
        bool containers = false;   // the action runs containers (custom BMC, pipelines)
        std::string render_error;  // a container's templates do not render for this host
        {
            std::lock_guard lock(mu_);
            effects = effects_;
            ref.id = actionIdLocked(a);
            const auto slash = a.host.find('/');
            auto where = resolveLocked(a.host.substr(0, slash),
                                       slash == std::string::npos ? "" : a.host.substr(slash + 1));
            if (!rollout_->status(a.host)) {
                VQ_LOG_INFO("HOST_ACTION_SKIPPED host={} action={} reason=\"left the rollout\"",
                            a.host, toString(a.kind));
                continue;  // removed from the SoT since the action was decided
            }
            if (!where) {
                target = where.status();
            } else if (a.kind == ActionKind::reboot &&
                       !isCustom(model::powerInterface(*where->host))) {
                target = powerTarget(*where->host);
            } else {
                // Containers: a custom BMC's for a reboot, else the boot's pipeline, each
                // rendered for this host now.
                const model::Model& m = *current_->model;
                const model::Interface* bmc = model::powerInterface(*where->host);
                const model::Boot* b = lastBoot(m, *where->host);
                std::vector<model::Container> list;
                const model::Interface* iface = nullptr;
                if (a.kind == ActionKind::reboot) {
                    list.push_back(*bmc->bmc->container);
                    iface = bmc;
                } else if (b != nullptr) {
                    list = a.kind == ActionKind::validate ? b->validate : b->before_shutdown;
                }
                const tmpl::Value dot =
                    render::taskDot(*where->site, *where->host, iface,
                                    a.kind == ActionKind::reboot ? nullptr : b, m);
                for (size_t i = 0; i < list.size() && render_error.empty(); ++i) {
                    auto rendered = render::renderTaskContainer(list[i], dot);
                    if (rendered) {
                        specs.push_back(containerSpec(*rendered));
                    } else {
                        render_error =
                            fmt::format("{}[{}]: {}", toString(a.kind), i, rendered.message());
                    }
                }
                containers = true;
            }
        }
        const std::string key = a.host;
        const ActionKind kind = a.kind;
        const std::string driver = containers ? "container" : target ? target->driver : "none";
        Effects::Done done = [this, key, kind, driver, started = clock_.now()](bool ok,
                                                                               std::string error) {
            countAction(kind, driver, ok,
                        std::chrono::duration<double>(clock_.now() - started).count());
            actionDone(key, kind, ok, std::move(error));
        };
        VQ_LOG_INFO("HOST_ACTION host={} action={} revision={}", key, toString(kind), a.revision);
        if (effects == nullptr) {
            done(false, "no effects configured: nothing can act on machines");
        } else if (!render_error.empty()) {
            done(false, render_error);
        } else if (containers) {
            effects->runContainers(ref, kind, std::move(specs), std::move(done));
        } else if (!target) {
            done(false, target.message());
        } else {
            effects->reboot(ref, *target, std::move(done));
        }
    }
}

std::string StateEngine::actionIdLocked(const workflow::Action& a) const {
    // The transition that asked for the action is the host's last one: its time (in the
    // store's millisecond precision, so a restart that issues the action again computes the
    // same key) and the attempt tell it from every other transition of the host.
    int64_t since_ms = 0;
    if (auto it = since_.find(a.host); it != since_.end()) {
        since_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(it->second.time_since_epoch())
                .count();
    }
    uint32_t attempts = 0;
    if (auto st = rollout_->status(a.host))
        attempts = st->attempts;
    return fmt::format("{}/{}/r{}/a{}/t{}", a.host, toString(a.kind), a.revision, attempts,
                       since_ms);
}

void StateEngine::countAction(ActionKind kind, const std::string& driver, bool ok, double seconds) {
    if (options_.metrics == nullptr)
        return;
    const std::string result = ok ? "ok" : "failed";
    if (kind == ActionKind::reboot && driver != "container") {
        options_.metrics
            ->counter("vaquero_power_actions_total",
                      "Reprovisioning reboots (one-time PXE + cycle), by driver and result.",
                      {{"driver", driver}, {"result", result}})
            .inc();
        options_.metrics
            ->histogram("vaquero_power_action_duration_seconds",
                        "Time a reprovisioning reboot took, by driver.", {{"driver", driver}})
            .observe(seconds);
        return;
    }
    const std::string task =
        kind == ActionKind::reboot ? "custom_power" : std::string(toString(kind));
    options_.metrics
        ->counter("vaquero_container_runs_total", "Container pipelines run, by task and result.",
                  {{"task", task}, {"result", result}})
        .inc();
    options_.metrics
        ->histogram("vaquero_container_run_duration_seconds",
                    "Time a container pipeline took, by task.", {{"task", task}})
        .observe(seconds);
}

void StateEngine::collect(metrics::Exposition& out) const {
    std::vector<std::pair<std::string, std::array<size_t, workflow::kPhaseCount>>> counts;
    uint64_t revision = 0;
    {
        std::lock_guard lock(mu_);
        counts = rollout_->phaseCounts();
        revision = current_ ? current_->number : 0;
    }
    out.gauge("vaquero_revision", "The newest accepted model revision.", {},
              static_cast<double>(revision));
    for (const auto& [flow, phases] : counts) {
        const auto slash = flow.find('/');
        const std::string site = flow.substr(0, slash);
        const std::string wf = slash == std::string::npos ? "" : flow.substr(slash + 1);
        for (size_t i = 0; i < phases.size(); ++i) {
            if (static_cast<Phase>(i) == Phase::removed)
                continue;  // removed hosts belong to no workflow
            out.gauge("vaquero_hosts", "Hosts per site, workflow and rollout phase.",
                      {{"site", site},
                       {"workflow", wf},
                       {"state", std::string(toString(static_cast<Phase>(i)))}},
                      static_cast<double>(phases[i]));
        }
    }
}

std::optional<HostRolloutView> StateEngine::host(std::string_view site,
                                                 std::string_view host) const {
    std::lock_guard lock(mu_);
    auto where = resolveLocked(site, host);
    if (!where)
        return std::nullopt;
    const std::string key = hostKey(*where->site, *where->host);
    auto st = rollout_->status(key);
    if (!st)
        return std::nullopt;
    HostRolloutView v{where->site->id, where->host->name, where->host->workflow, *st, started_};
    if (auto it = since_.find(key); it != since_.end())
        v.since = it->second;
    return v;
}

std::vector<HostRolloutView> StateEngine::hosts() const {
    std::lock_guard lock(mu_);
    std::vector<HostRolloutView> out;
    if (!current_ || !current_->model)
        return out;
    for (const auto& site : current_->model->sites()) {
        for (const auto& h : site.hosts) {
            const std::string key = hostKey(site, h);
            auto st = rollout_->status(key);
            if (!st)
                continue;
            HostRolloutView v{site.id, h.name, h.workflow, *st, started_};
            if (auto it = since_.find(key); it != since_.end())
                v.since = it->second;
            out.push_back(std::move(v));
        }
    }
    return out;
}

Result<std::vector<HostTransition>> StateEngine::transitions(std::string_view site,
                                                             std::string_view host) const {
    auto h = history(site, host);
    if (!h)
        return h.status();
    return std::move(h->transitions);
}

Result<HostHistory> StateEngine::history(std::string_view site, std::string_view host) const {
    std::lock_guard lock(mu_);
    HostHistory out;
    std::string key;
    auto where = resolveLocked(site, host);
    if (where) {
        key = hostKey(*where->site, *where->host);
    } else {
        // A removed host is named by its site's id (or, when the site is still there, its
        // directory) and its name.
        const model::Site* s = current_ && current_->model ? current_->model->site(site) : nullptr;
        key = (s != nullptr ? s->id : std::string(site)) + "/" + std::string(host);
        auto gone = removed_.find(key);
        if (gone == removed_.end())
            return where.status();
        out.removed = true;
        out.removed_in = gone->second;
    }
    if (auto it = history_.find(key); it != history_.end())
        out.transitions.assign(it->second.begin(), it->second.end());
    return out;
}

std::vector<RemovedHostView> StateEngine::removedHosts() const {
    std::lock_guard lock(mu_);
    std::vector<RemovedHostView> out;
    out.reserve(removed_.size());
    for (const auto& [key, revision] : removed_) {
        const auto slash = key.find('/');
        RemovedHostView v{key.substr(0, slash),
                          slash == std::string::npos ? "" : key.substr(slash + 1), revision,
                          started_};
        if (auto it = since_.find(key); it != since_.end())
            v.since = it->second;
        out.push_back(std::move(v));
    }
    return out;
}

std::string StateEngine::planJson() const {
    std::lock_guard lock(mu_);
    nlohmann::json flows = nlohmann::json::array();
    for (const auto& id : rollout_->workflows()) {
        const auto keys = rollout_->hostsOf(id);
        if (keys.empty())
            continue;
        const auto slash = id.find('/');
        nlohmann::json phases = nlohmann::json::object();
        nlohmann::json pending = nlohmann::json::array();
        for (const auto& key : keys) {
            auto st = rollout_->status(key);
            if (!st)
                continue;
            const std::string phase(toString(st->phase));
            phases[phase] = phases.value(phase, 0) + 1;
            if (st->phase == Phase::pending)
                pending.push_back(key.substr(key.find('/') + 1));
        }
        const std::string blocked = rollout_->blockedBy(id);
        flows.push_back({{"site", id.substr(0, slash)},
                         {"workflow", id.substr(slash + 1)},
                         {"halted", rollout_->halted(id)},
                         {"blocked", blocked},
                         {"in_flight", rollout_->inFlight(id)},
                         {"phases", phases},
                         {"pending", pending}});
    }
    nlohmann::json j = {{"revision", current_ ? current_->number : 0}, {"workflows", flows}};
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace vq::server
