#include "workflow/engine.h"

#include <algorithm>
#include <optional>
#include <tuple>

#include <fmt/format.h>

#include "base/log.h"
#include "model/host_roles.h"

namespace vq::workflow {
namespace {

// A host's stages without copying them: the workflow's, or the single seed-era boot.
struct StageView {
    const model::Workflow* wf = nullptr;
    const std::string* single = nullptr;
    size_t size() const {
        if (wf != nullptr)
            return wf->stages.size();
        return single != nullptr ? 1 : 0;
    }
    const std::string& operator[](size_t i) const {
        return wf != nullptr ? wf->stages[i].boot : *single;
    }
    std::optional<uint32_t> find(std::string_view boot) const {
        for (size_t i = 0; i < size(); ++i) {
            if ((*this)[i] == boot)
                return static_cast<uint32_t>(i);
        }
        return std::nullopt;
    }
};

StageView stagesOf(const model::Model& model, const model::Host& host) {
    StageView v;
    if (!host.workflow.empty()) {
        v.wf = model.workflow(host.workflow);
    } else if (!host.boot.empty()) {
        v.single = &host.boot;
    }
    return v;
}

// Where stored progress stands in the current stages: its own index when that stage still
// holds its boot, else the first stage with that boot (stages were reordered), else none.
std::optional<uint32_t> matchStage(const HostProgress& p,
                                   const model::Host& host,
                                   const StageView& stages) {
    if (p.workflow != host.workflow)
        return std::nullopt;
    if (p.stage < stages.size() && stages[p.stage] == p.boot)
        return p.stage;
    return stages.find(p.boot);
}

HostProgress fresh(const model::Site& site, const model::Host& host, const StageView& stages) {
    HostProgress p;
    p.site = site.id;
    p.host = host.name;
    p.workflow = host.workflow;
    p.stage = 0;
    p.boot = stages.size() > 0 ? stages[0] : std::string();
    return p;
}

std::string workflowName(const model::Host& host) {
    return host.workflow.empty() ? "(group boot " + host.boot + ")" : host.workflow;
}

// The stage index of `boot` in the host's workflow, or the error both checkpoints and
// overrides answer for a boot outside it.
Result<uint32_t> stageOf(const StageView& stages, const model::Host& host, std::string_view boot) {
    if (auto idx = stages.find(boot))
        return *idx;
    return Result<uint32_t>::error(
        StatusCode::not_found, fmt::format("boot '{}' is not part of host {}'s workflow {}", boot,
                                           host.name, workflowName(host)));
}

}  // namespace

std::string_view toString(TransitionKind kind) {
    switch (kind) {
        case TransitionKind::stage_done:
            return "stage done";
        case TransitionKind::provisioned:
            return "provisioned";
        case TransitionKind::repeated:
            return "already provisioned";
        case TransitionKind::stale:
            return "stale checkpoint";
        case TransitionKind::override_set:
            return "override";
    }
    return "stage done";
}

std::string Transition::summary() const {
    switch (kind) {
        case TransitionKind::stage_done:
            return fmt::format("stage done: {} -> {} (stage {})", from_boot, progress.boot,
                               progress.stage + 1);
        case TransitionKind::provisioned:
            return fmt::format("provisioned: {} was the last stage", from_boot);
        case TransitionKind::repeated:
            return fmt::format("already provisioned: {} is the last stage", progress.boot);
        case TransitionKind::stale:
            return fmt::format("stale checkpoint: host is at {} (stage {})", progress.boot,
                               progress.stage + 1);
        case TransitionKind::override_set:
            return fmt::format("override: {} -> {} (stage {})", from_boot, progress.boot,
                               progress.stage + 1);
    }
    return {};
}

WorkflowEngine::WorkflowEngine(ProgressStore& store, EventSink* events)
    : store_(store), events_(events) {}

Status WorkflowEngine::loadAll() {
    auto records = store_.all();
    if (!records)
        return records.status();
    std::unique_lock lock(mu_);
    hosts_.clear();
    for (auto& p : *records) {
        auto& site = hosts_[p.site];
        std::string name = p.host;
        site[std::move(name)] = std::move(p);
    }
    return Status::ok();
}

const HostProgress* WorkflowEngine::findLocked(std::string_view site, std::string_view host) const {
    auto s = hosts_.find(site);
    if (s == hosts_.end())
        return nullptr;
    auto h = s->second.find(host);
    return h == s->second.end() ? nullptr : &h->second;
}

std::mutex& WorkflowEngine::writeMutex(std::string_view site, std::string_view host) {
    const size_t h = std::hash<std::string_view>{}(site)*31 + std::hash<std::string_view>{}(host);
    return write_mu_[h % write_mu_.size()];
}

Result<uint64_t> WorkflowEngine::commitQueued(const HostProgress& p) {
    auto ticket = store_.queueSave(p);
    if (!ticket)
        return ticket.status().prefixed("cannot save progress of host " + p.host);
    std::unique_lock lock(mu_);
    hosts_[p.site][p.host] = p;
    return *ticket;
}

Status WorkflowEngine::waitStored(const Transition& t) {
    if (t.write == 0)
        return Status::ok();
    Status st = store_.wait(t.write);
    if (st)
        return Status::ok();
    // The record was put in memory when the write was queued; a write that failed (a full
    // disk) takes it back, unless a later transition already replaced it: what a host is
    // served never runs ahead of what is stored, and the client retries its checkpoint.
    {
        std::unique_lock lock(mu_);
        auto& hosts = hosts_[t.progress.site];
        auto it = hosts.find(t.progress.host);
        if (it != hosts.end() && it->second == t.progress) {
            if (t.replaced)
                it->second = *t.replaced;
            else
                hosts.erase(it);
        }
    }
    VQ_LOG_WARN("HOST_PROGRESS_NOT_STORED site={} host={} boot={} error=\"{}\"", t.progress.site,
                t.progress.host, t.progress.boot, st.message());
    return st.prefixed("cannot save progress of host " + t.progress.host);
}

Result<Transition> WorkflowEngine::checkpoint(std::string_view site,
                                              std::string_view host,
                                              std::string_view boot,
                                              const model::Model& model,
                                              WallTime now) {
    auto t = checkpointQueued(site, host, boot, model, now);
    if (!t)
        return t;
    VQ_TRY(waitStored(*t));
    t->write = 0;
    return t;
}

Status WorkflowEngine::commit(const HostProgress& p) {
    if (Status st = store_.save(p); !st)
        return st.prefixed("cannot save progress of host " + p.host);
    std::unique_lock lock(mu_);
    hosts_[p.site][p.host] = p;
    return Status::ok();
}

void WorkflowEngine::emit(const model::Host* host,
                          const HostProgress& p,
                          const char* kind,
                          const std::string& detail) const {
    if (events_ == nullptr)
        return;
    HostEvent e;
    e.time = p.updated;
    e.source = "workflow";
    e.kind = kind;
    if (host != nullptr) {
        for (const auto& iface : host->interfaces) {
            if (iface.mac) {
                e.mac = *iface.mac;
                break;
            }
        }
    }
    e.detail = fmt::format("site={} host={} workflow={} stage={} boot={} state={}{}{}", p.site,
                           p.host, p.workflow, p.stage, p.boot, toString(p.state),
                           detail.empty() ? "" : " ", detail);
    events_->record(std::move(e));
}

CurrentBoot WorkflowEngine::currentBoot(std::string_view site_id,
                                        const model::Host& host,
                                        const model::Model& model,
                                        WallTime now) {
    const StageView stages = stagesOf(model, host);
    if (stages.size() == 0)
        return {};
    std::optional<HostProgress> stale;
    {
        std::shared_lock lock(mu_);
        const HostProgress* p = findLocked(site_id, host.name);
        if (p == nullptr)
            return {stages[0], 0, HostState::booting, false};
        if (auto idx = matchStage(*p, host, stages)) {
            return {stages[*idx], *idx, *idx == p->stage ? p->state : HostState::booting, false};
        }
        stale = *p;
    }
    // The record stopped matching: back to stage 0, persisted once (later readers see the
    // fresh record). A failed save still serves stage 0; the next request retries.
    std::lock_guard writer(writeMutex(site_id, host.name));
    {
        std::shared_lock lock(mu_);
        const HostProgress* p = findLocked(site_id, host.name);
        if (p != nullptr) {
            if (auto idx = matchStage(*p, host, stages)) {
                return {stages[*idx], *idx, *idx == p->stage ? p->state : HostState::booting,
                        false};
            }
        }
    }
    HostProgress next = *stale;
    next.workflow = host.workflow;
    next.stage = 0;
    next.boot = stages[0];
    next.state = HostState::booting;
    next.updated = now;
    if (Status st = commit(next); st) {
        emit(&host, next, "HOST_STAGE_RESET",
             fmt::format("was_workflow={} was_boot={}", stale->workflow, stale->boot));
    }
    return {stages[0], 0, HostState::booting, true};
}

Result<WorkflowEngine::Resolved> WorkflowEngine::resolve(std::string_view site,
                                                         std::string_view host,
                                                         const model::Model& model) const {
    Resolved r;
    r.site = model.site(site);
    if (r.site == nullptr)
        return Result<Resolved>::error(StatusCode::not_found,
                                       fmt::format("unknown site '{}'", site));
    r.host = model.host(r.site->id, host);
    if (r.host == nullptr) {
        if (auto mac = MacAddr::parse(host)) {
            if (auto m = model.findByMac(r.site->id, *mac); m && m.site == r.site)
                r.host = m.host;
        }
    }
    if (r.host == nullptr) {
        return Result<Resolved>::error(
            StatusCode::not_found, fmt::format("unknown host '{}' in site '{}'", host, r.site->id));
    }
    r.stages = model::stageBoots(model, *r.host);
    if (r.stages.empty()) {
        return Result<Resolved>::error(StatusCode::failed_precondition,
                                       fmt::format("host {} has no workflow stages (workflow '{}')",
                                                   r.host->name, r.host->workflow));
    }
    return r;
}

Result<Transition> WorkflowEngine::checkpointQueued(std::string_view site,
                                                    std::string_view host,
                                                    std::string_view boot,
                                                    const model::Model& model,
                                                    WallTime now) {
    auto resolved = resolve(site, host, model);
    if (!resolved)
        return resolved.status();
    const Resolved& r = *resolved;
    const StageView stages = stagesOf(model, *r.host);
    if (auto idx = stageOf(stages, *r.host, boot); !idx)
        return idx.status();

    std::lock_guard writer(writeMutex(r.site->id, r.host->name));
    HostProgress cur = fresh(*r.site, *r.host, stages);
    std::optional<HostProgress> replaced;
    bool was_reset = false;
    {
        std::shared_lock lock(mu_);
        if (const HostProgress* p = findLocked(r.site->id, r.host->name)) {
            replaced = *p;
            cur.checkpoints = p->checkpoints;
            if (auto idx = matchStage(*p, *r.host, stages)) {
                cur.stage = *idx;
                cur.boot = stages[*idx];
                cur.state = *idx == p->stage ? p->state : HostState::booting;
            } else {
                was_reset = true;
            }
        }
    }

    Transition t;
    t.from_boot = cur.boot;
    t.progress = cur;
    HostProgress& next = t.progress;
    next.updated = now;
    ++next.checkpoints;
    const char* event = nullptr;
    if (boot == cur.boot) {
        if (cur.stage + 1 < stages.size()) {
            t.kind = TransitionKind::stage_done;
            next.stage = cur.stage + 1;
            next.boot = stages[next.stage];
            next.state = HostState::booting;
            event = "HOST_STAGE_DONE";
        } else {
            t.kind = cur.state == HostState::provisioned ? TransitionKind::repeated
                                                         : TransitionKind::provisioned;
            next.state = HostState::provisioned;
            if (t.kind == TransitionKind::provisioned)
                event = "HOST_PROVISIONED";
        }
    } else {
        t.kind = TransitionKind::stale;
        event = "HOST_CHECKPOINT_STALE";
    }
    auto ticket = commitQueued(next);
    if (!ticket)
        return ticket.status();
    t.write = *ticket;
    t.replaced = std::move(replaced);
    if (was_reset)
        emit(r.host, cur, "HOST_STAGE_RESET", "");
    if (event != nullptr)
        emit(r.host, next, event,
             fmt::format("checkpoint_boot={} from_boot={}", boot, t.from_boot));
    return t;
}

Result<Transition> WorkflowEngine::override(std::string_view site,
                                            std::string_view host,
                                            std::string_view boot,
                                            const model::Model& model,
                                            WallTime now) {
    auto resolved = resolve(site, host, model);
    if (!resolved)
        return resolved.status();
    const Resolved& r = *resolved;
    const StageView stages = stagesOf(model, *r.host);
    const auto idx = stageOf(stages, *r.host, boot);
    if (!idx)
        return idx.status();

    std::lock_guard writer(writeMutex(r.site->id, r.host->name));
    Transition t;
    t.kind = TransitionKind::override_set;
    HostProgress& next = t.progress;
    next = fresh(*r.site, *r.host, stages);
    t.from_boot = next.boot;
    {
        std::shared_lock lock(mu_);
        if (const HostProgress* p = findLocked(r.site->id, r.host->name)) {
            next.checkpoints = p->checkpoints;
            if (auto cur = matchStage(*p, *r.host, stages))
                t.from_boot = stages[*cur];
        }
    }
    next.stage = *idx;
    next.boot = stages[*idx];
    next.state = HostState::booting;
    next.updated = now;
    if (Status st = commit(next); !st)
        return st;
    emit(r.host, next, "HOST_OVERRIDE", fmt::format("from_boot={}", t.from_boot));
    return t;
}

std::vector<HostProgress> WorkflowEngine::all() const {
    std::vector<HostProgress> out;
    {
        std::shared_lock lock(mu_);
        for (const auto& [site, hosts] : hosts_) {
            for (const auto& [name, p] : hosts)
                out.push_back(p);
        }
    }
    std::sort(out.begin(), out.end(), [](const HostProgress& a, const HostProgress& b) {
        return std::tie(a.site, a.host) < std::tie(b.site, b.host);
    });
    return out;
}

std::optional<HostProgress> WorkflowEngine::progress(std::string_view site,
                                                     std::string_view host) const {
    std::shared_lock lock(mu_);
    const HostProgress* p = findLocked(site, host);
    return p == nullptr ? std::nullopt : std::optional<HostProgress>(*p);
}

}  // namespace vq::workflow
