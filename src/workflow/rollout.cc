#include "workflow/rollout.h"

#include <algorithm>

#include <fmt/format.h>

#include "workflow/rollout_record.h"

namespace vq::workflow {

std::string_view toString(Phase phase) {
    switch (phase) {
        case Phase::provisioned:
            return "provisioned";
        case Phase::pending:
            return "pending";
        case Phase::shutting_down:
            return "shutting_down";
        case Phase::rebooting:
            return "rebooting";
        case Phase::awaiting_reboot:
            return "awaiting_reboot";
        case Phase::booting:
            return "booting";
        case Phase::validating:
            return "validating";
        case Phase::failed:
            return "failed";
        case Phase::removed:
            return "removed";
    }
    return "failed";
}

std::string_view toString(OnFailure then) {
    switch (then) {
        case OnFailure::rollback:
            return "rollback";
        case OnFailure::halt:
            return "halt";
        case OnFailure::proceed:
            return "continue";
    }
    return "halt";
}

std::string_view toString(ActionKind kind) {
    switch (kind) {
        case ActionKind::before_shutdown:
            return "before_shutdown";
        case ActionKind::reboot:
            return "reboot";
        case ActionKind::validate:
            return "validate";
    }
    return "reboot";
}

void Step::append(Step other) {
    for (auto& t : other.transitions)
        transitions.push_back(std::move(t));
    for (auto& a : other.actions)
        actions.push_back(std::move(a));
}

namespace {

// Phases a host holds a rollout slot in.
bool inFlightPhase(Phase p) {
    return p == Phase::shutting_down || p == Phase::rebooting || p == Phase::awaiting_reboot ||
           p == Phase::booting || p == Phase::validating;
}

}  // namespace

Rollout::Rollout(std::vector<WorkflowRules> workflows,
                 std::vector<RolloutHost> hosts,
                 uint64_t revision,
                 TimePoint now)
    : latest_(revision) {
    for (auto& w : workflows)
        flows_.push_back(Flow{std::move(w), {}, false, {}});
    for (auto& spec : hosts) {
        if (index_.count(spec.key) != 0)
            continue;  // keys are unique; a repeated one is the same host
        Host h;
        h.spec = std::move(spec);
        h.st.revision = revision;
        h.st.provisioned_revision = revision;
        h.st.since = now;
        insertHost(std::move(h));
    }
}

size_t Rollout::insertHost(Host h) {
    h.spec.stages = std::max<uint32_t>(1, h.spec.stages);
    if (flow(h.spec.workflow) == nullptr) {
        WorkflowRules defaults;
        defaults.id = h.spec.workflow;
        flows_.push_back(Flow{defaults, {}, false, {}});
    }
    size_t index = hosts_.size();
    if (auto gone = gone_.find(h.spec.key); gone != gone_.end()) {
        // Back after a removal: a new host in the old slot (its pins are given back below).
        index = gone->second;
        gone_.erase(gone);
        h.pins = hosts_[index].pins;
        hosts_[index] = std::move(h);
    } else {
        hosts_.push_back(std::move(h));
    }
    const Host& placed = hosts_[index];
    index_.emplace(placed.spec.key, index);
    flow(placed.spec.workflow)->hosts.push_back(index);
    unpinned_.insert(index);
    return index;
}

Rollout::Host* Rollout::find(std::string_view key) {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &hosts_[it->second];
}
const Rollout::Host* Rollout::find(std::string_view key) const {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &hosts_[it->second];
}
Rollout::Flow* Rollout::flow(const std::string& id) {
    for (auto& f : flows_) {
        if (f.rules.id == id)
            return &f;
    }
    return nullptr;
}
const Rollout::Flow* Rollout::flow(const std::string& id) const {
    for (const auto& f : flows_) {
        if (f.rules.id == id)
            return &f;
    }
    return nullptr;
}

bool Rollout::updateHost(RolloutHost spec) {
    Host* h = find(spec.key);
    if (h == nullptr)
        return false;
    spec.stages = std::max<uint32_t>(1, spec.stages);
    const size_t index = index_.find(spec.key)->second;
    if (spec.workflow != h->spec.workflow) {
        if (Flow* old = flow(h->spec.workflow); old != nullptr)
            old->hosts.erase(std::remove(old->hosts.begin(), old->hosts.end(), index),
                             old->hosts.end());
        if (flow(spec.workflow) == nullptr) {
            WorkflowRules defaults;
            defaults.id = spec.workflow;
            flows_.push_back(Flow{defaults, {}, false, {}});
        }
        flow(spec.workflow)->hosts.push_back(index);
    }
    const uint32_t stages = spec.stages;
    if (inFlightPhase(h->st.phase) && stages != h->spec.stages) {
        spec.stages = h->spec.stages;  // the checkpoints under way count against the old list
        h->next_stages = stages;
    }
    h->spec = std::move(spec);
    return true;
}

void Rollout::updateRules(std::vector<WorkflowRules> workflows) {
    for (auto& w : workflows) {
        if (Flow* f = flow(w.id); f != nullptr)
            f->rules = std::move(w);
        else
            flows_.push_back(Flow{std::move(w), {}, false, {}});
    }
}

void Rollout::touch(const Host& h) {
    const auto index = static_cast<size_t>(&h - hosts_.data());
    changed_hosts_.insert(index);
    unpinned_.insert(index);
}

void Rollout::repin(const Host& h) const {
    std::array<uint64_t, 4> now{};
    if (!h.removed)
        now = {h.st.revision, h.st.provisioned_revision, h.previous_revision, h.queued_revision};
    for (uint64_t n : h.pins) {
        if (n == 0)
            continue;
        auto it = pins_.find(n);
        if (it != pins_.end() && --it->second == 0) {
            pins_.erase(it);
            released_.insert(n);
        }
    }
    for (uint64_t n : now) {
        if (n != 0 && ++pins_[n] == 1)
            released_.erase(n);
    }
    h.pins = now;
}

void Rollout::syncPins() const {
    for (size_t i : unpinned_)
        repin(hosts_[i]);
    unpinned_.clear();
}

void Rollout::move(Host& h, Phase to, std::string reason, TimePoint now, Step& out) {
    touch(h);
    if (!inFlightPhase(to) && h.next_stages != 0) {
        h.spec.stages = h.next_stages;
        h.next_stages = 0;
    }
    out.transitions.push_back(
        PhaseTransition{h.spec.key, h.st.phase, to, h.st.stage, h.st.revision, std::move(reason)});
    h.st.phase = to;
    h.st.since = now;
}

Step Rollout::outOfDate(std::string_view key,
                        uint64_t revision,
                        std::string reason,
                        TimePoint now) {
    Step out;
    if (Host* h = find(key); h != nullptr)
        markOutOfDate(*h, revision, std::move(reason), now, out);
    schedule(now, out);
    return out;
}

Step Rollout::outOfDate(const std::vector<std::pair<std::string, std::string>>& hosts,
                        uint64_t revision,
                        TimePoint now) {
    Step out;
    for (const auto& [key, reason] : hosts) {
        if (Host* h = find(key); h != nullptr)
            markOutOfDate(*h, revision, reason, now, out);
    }
    schedule(now, out);
    return out;
}

void Rollout::markOutOfDate(
    Host& h, uint64_t revision, std::string reason, TimePoint now, Step& out) {
    if (h.spec.never_provision)
        return;
    touch(h);
    h.revalidate = false;
    if (Flow* f = flow(h.spec.workflow); f != nullptr && !f->changing) {
        f->changing = true;
        flows_changed_ = true;
    }
    switch (h.st.phase) {
        case Phase::provisioned:
        case Phase::failed:
            h.previous_revision = h.st.provisioned_revision;
            h.st.revision = revision;
            h.st.stage = 0;
            h.st.attempts = 0;
            h.rolled_back = false;
            move(h, Phase::pending, std::move(reason), now, out);
            break;
        case Phase::pending:
            h.st.revision = std::max(h.st.revision, revision);  // not started: newest wins
            break;
        default:
            h.queued_revision = std::max(h.queued_revision, revision);  // finish first
            break;
    }
}

bool Rollout::addHost(RolloutHost spec, uint64_t revision, TimePoint now) {
    if (index_.count(spec.key) != 0)
        return false;
    Host h;
    h.spec = std::move(spec);
    h.st.revision = revision;
    h.st.provisioned_revision = revision;
    h.st.since = now;
    changed_hosts_.insert(insertHost(std::move(h)));
    return true;
}

Step Rollout::removeHost(std::string_view key, uint64_t revision, TimePoint now) {
    Step out;
    auto it = index_.find(key);
    if (it == index_.end())
        return out;
    const size_t index = it->second;
    index_.erase(it);
    Host& h = hosts_[index];
    if (Flow* f = flow(h.spec.workflow); f != nullptr)
        f->hosts.erase(std::remove(f->hosts.begin(), f->hosts.end(), index), f->hosts.end());
    gone_[h.spec.key] = index;
    // Whatever it was doing ends here: nothing queued, nothing to run again, and an answer
    // still coming for it finds no host.
    h.removed = true;
    h.queued_revision = 0;
    h.revalidate = false;
    h.next_stages = 0;
    h.st.revision = revision;  // its record says which revision removed it
    move(h, Phase::removed, fmt::format("removed from the SoT in revision {}", revision), now, out);
    schedule(now, out);  // its slot, if it held one, goes to the next host
    return out;
}

std::vector<std::string> Rollout::hostKeys() const {
    std::vector<std::string> out;
    out.reserve(index_.size());
    for (const auto& [key, i] : index_)
        out.push_back(key);
    return out;
}

void Rollout::advanceUnchanged(uint64_t revision,
                               const std::set<std::string, std::less<>>& changed) {
    const uint64_t before = latest_;
    latest_ = std::max(latest_, revision);
    size_t moved = 0;  // followers whose pins move from `before` to `revision` together
    for (size_t i = 0; i < hosts_.size(); ++i) {
        Host& h = hosts_[i];
        if (h.removed || h.rolled_back || (!changed.empty() && changed.count(h.spec.key) != 0))
            continue;
        if (h.st.phase == Phase::provisioned && h.st.provisioned_revision < revision) {
            const bool followed = follows(h, before);
            h.st.revision = revision;
            h.st.provisioned_revision = revision;
            h.previous_revision = 0;
            if (!followed || !follows(h, latest_)) {
                touch(h);
                continue;
            }
            // It followed and still does: its stored record says so already. Its pins move
            // with every other follower's at once, below, unless they wait for syncPins.
            const std::array<uint64_t, 4> synced{before, before, 0, 0};
            if (h.pins == synced && unpinned_.count(i) == 0) {
                h.pins = {revision, revision, 0, 0};
                ++moved;
            } else {
                unpinned_.insert(i);
            }
        } else if (h.st.phase == Phase::pending && h.st.revision < revision) {
            touch(h);
            h.st.revision = revision;  // not started: its target's bytes are the newest's
        }
    }
    if (moved != 0) {
        // Each follower counted `before` twice (revision, provisioned revision).
        if (auto it = pins_.find(before); it != pins_.end()) {
            it->second -= std::min(it->second, 2 * moved);
            if (it->second == 0) {
                pins_.erase(it);
                released_.insert(before);
            }
        }
        size_t& now = pins_[revision];
        if (now == 0)
            released_.erase(revision);
        now += 2 * moved;
    }
}

bool Rollout::follows(const Host& h, uint64_t planned) const {
    return !h.removed && h.st.phase == Phase::provisioned && h.st.revision == planned &&
           h.st.provisioned_revision == planned && h.st.attempts == 0 && h.previous_revision == 0 &&
           h.queued_revision == 0 && !h.rolled_back && !h.revalidate;
}

void Rollout::startReboot(Host& h, TimePoint now, Step& out) {
    h.st.stage = 0;
    if (h.spec.has_bmc) {
        move(h, Phase::rebooting, "power action", now, out);
        out.actions.push_back(Action{h.spec.key, ActionKind::reboot, h.st.revision});
    } else {
        move(h, Phase::awaiting_reboot, "no usable BMC: boots when it netboots", now, out);
    }
}

void Rollout::finish(Host& h, TimePoint now, Step& out) {
    h.st.provisioned_revision = h.st.revision;
    h.st.attempts = 0;
    move(h, Phase::provisioned, fmt::format("provisioned from revision {}", h.st.revision), now,
         out);
    if (h.queued_revision == 0 && !h.rolled_back && latest_ > h.st.revision) {
        // No revision since changed its bytes: it is as provisioned from the newest, and
        // the revision it went through is no longer needed for it.
        h.st.revision = latest_;
        h.st.provisioned_revision = latest_;
    }
    if (h.queued_revision == 0)
        h.previous_revision = 0;  // nothing to roll back to once provisioned
    if (h.queued_revision > h.st.revision) {
        const uint64_t next = h.queued_revision;
        h.queued_revision = 0;
        h.previous_revision = h.st.provisioned_revision;
        h.st.revision = next;
        h.st.stage = 0;
        move(h, Phase::pending, fmt::format("out of date again: revision {}", next), now, out);
    }
}

void Rollout::fail(Host& h, const std::string& why, TimePoint now, Step& out) {
    Flow& f = *flow(h.spec.workflow);
    const FailurePolicy& policy = f.rules.policy;
    ++h.st.attempts;
    if (static_cast<int>(h.st.attempts) <= policy.retry) {
        out.transitions.push_back(
            PhaseTransition{h.spec.key, h.st.phase, h.st.phase, h.st.stage, h.st.revision,
                            fmt::format("retry {}/{}: {}", h.st.attempts, policy.retry, why)});
        startReboot(h, now, out);
        return;
    }
    move(h, Phase::failed, why, now, out);
    switch (policy.then) {
        case OnFailure::rollback:
            if (!h.rolled_back && h.previous_revision != 0 &&
                h.previous_revision != h.st.revision) {
                h.rolled_back = true;
                h.st.revision = h.previous_revision;
                h.st.stage = 0;
                h.st.attempts = 0;
                move(h, Phase::pending, fmt::format("rollback to revision {}", h.previous_revision),
                     now, out);
            }
            break;
        case OnFailure::halt:
            if (!f.halted) {
                flows_changed_ = true;
                f.halted = true;
                f.halt_reason = fmt::format("host {} failed: {}", h.spec.key, why);
            }
            break;
        case OnFailure::proceed:
            break;
    }
    const int max_fail = f.rules.max_fail.of(f.hosts.size());
    if (max_fail > 0 && static_cast<int>(failedCount(f)) > max_fail && !f.halted) {
        flows_changed_ = true;
        f.halted = true;
        f.halt_reason =
            fmt::format("{} hosts failed, more than max_fail {}", failedCount(f), max_fail);
    }
}

Step Rollout::checkpoint(std::string_view key, uint32_t stage, TimePoint now) {
    Step out;
    Host* h = find(key);
    if (h == nullptr)
        return out;
    if ((h->st.phase == Phase::awaiting_reboot || h->st.phase == Phase::rebooting) && stage == 0) {
        // It netbooted by itself (or before the power action's answer came back).
        h->st.stage = 0;
        move(*h, Phase::booting, "netbooted", now, out);
    }
    if (h->st.phase != Phase::booting || stage != h->st.stage)
        return out;  // stale or unexpected: recorded by the caller, nothing moves
    if (stage + 1 < h->spec.stages) {
        h->st.stage = stage + 1;
        move(*h, Phase::booting, fmt::format("stage {} done", stage + 1), now, out);
    } else if (h->spec.has_validate) {
        move(*h, Phase::validating, "last stage done", now, out);
        out.actions.push_back(Action{h->spec.key, ActionKind::validate, h->st.revision});
    } else {
        finish(*h, now, out);
    }
    schedule(now, out);
    return out;
}

Step Rollout::actionDone(
    std::string_view key, ActionKind kind, bool ok, const std::string& error, TimePoint now) {
    Step out;
    Host* h = find(key);
    if (h == nullptr)
        return out;
    const Phase expected = kind == ActionKind::before_shutdown ? Phase::shutting_down
                           : kind == ActionKind::reboot        ? Phase::rebooting
                                                               : Phase::validating;
    if (h->st.phase != expected)
        return out;  // late answer for a phase the host left (timeout, override)
    if (!ok) {
        fail(*h, fmt::format("{} failed: {}", toString(kind), error), now, out);
    } else if (kind == ActionKind::before_shutdown) {
        startReboot(*h, now, out);
    } else if (kind == ActionKind::reboot) {
        move(*h, Phase::booting, "power action done", now, out);
    } else {
        finish(*h, now, out);
    }
    schedule(now, out);
    return out;
}

Step Rollout::tick(TimePoint now) {
    Step out;
    for (auto& h : hosts_) {
        if (!inFlightPhase(h.st.phase) || h.st.phase == Phase::awaiting_reboot)
            continue;
        const auto timeout = flow(h.spec.workflow)->rules.policy.stage_timeout;
        if (timeout.count() > 0 && now - h.st.since >= timeout) {
            const std::string why = h.st.phase == Phase::booting
                                        ? fmt::format("no checkpoint for stage {} within {} s",
                                                      h.st.stage + 1, timeout.count())
                                        : fmt::format("{} took longer than {} s",
                                                      toString(h.st.phase), timeout.count());
            fail(h, why, now, out);
        }
    }
    schedule(now, out);
    return out;
}

Step Rollout::halt(std::string_view workflow, std::string reason) {
    Step out;
    if (Flow* f = flow(std::string(workflow)); f != nullptr) {
        flows_changed_ = true;
        f->halted = true;
        f->halt_reason = std::move(reason);
    }
    return out;
}

Step Rollout::resume(std::string_view workflow, TimePoint now) {
    Step out;
    if (Flow* f = flow(std::string(workflow)); f != nullptr) {
        flows_changed_ = f->halted || flows_changed_;
        f->halted = false;
        f->halt_reason.clear();
    }
    schedule(now, out);
    return out;
}

size_t Rollout::failedCount(const Flow& f) const {
    return static_cast<size_t>(std::count_if(f.hosts.begin(), f.hosts.end(), [this](size_t i) {
        return hosts_[i].st.phase == Phase::failed;
    }));
}

size_t Rollout::standing(const Flow& f) const {
    return static_cast<size_t>(std::count_if(f.hosts.begin(), f.hosts.end(), [this](size_t i) {
        return hosts_[i].st.phase == Phase::provisioned;
    }));
}

std::string Rollout::blockedBy(std::string_view workflow) const {
    const Flow* f = flow(std::string(workflow));
    if (f == nullptr)
        return {};
    if (f->halted)
        return "halted: " + f->halt_reason;
    for (const auto& dep : f->rules.block_deps) {
        const Flow* d = flow(dep);
        if (d == nullptr)
            continue;
        const size_t up = standing(*d);
        if (static_cast<int>(up) < d->rules.min_standing) {
            return fmt::format("waiting for workflow {}: {} of min_standing {} hosts provisioned",
                               dep, up, d->rules.min_standing);
        }
    }
    return {};
}

size_t Rollout::inFlight(std::string_view workflow) const {
    const Flow* f = flow(std::string(workflow));
    if (f == nullptr)
        return 0;
    return static_cast<size_t>(std::count_if(f->hosts.begin(), f->hosts.end(), [this](size_t i) {
        return inFlightPhase(hosts_[i].st.phase);
    }));
}

void Rollout::markRevalidations() {
    for (auto& d : flows_) {
        if (!d.changing)
            continue;
        const bool ongoing = std::any_of(d.hosts.begin(), d.hosts.end(), [this](size_t i) {
            return hosts_[i].st.phase == Phase::pending || inFlightPhase(hosts_[i].st.phase);
        });
        if (ongoing)
            continue;
        d.changing = false;
        flows_changed_ = true;
        for (auto& w : flows_) {
            const auto& on = w.rules.validate_on;
            if (std::find(on.begin(), on.end(), d.rules.id) == on.end())
                continue;
            for (size_t i : w.hosts) {
                Host& h = hosts_[i];
                if (h.st.phase == Phase::provisioned && h.spec.has_validate && !h.revalidate) {
                    h.revalidate = true;
                    touch(h);
                }
            }
        }
    }
}

void Rollout::schedule(TimePoint now, Step& out) {
    markRevalidations();
    for (auto& f : flows_) {
        if (!blockedBy(f.rules.id).empty())
            continue;
        const int limit = f.rules.max_concurrent.of(f.hosts.size());
        size_t active = inFlight(f.rules.id);
        for (size_t i : f.hosts) {
            if (limit > 0 && active >= static_cast<size_t>(limit))
                break;
            Host& h = hosts_[i];
            if (h.st.phase == Phase::provisioned && h.revalidate) {
                ++active;
                h.revalidate = false;
                move(h, Phase::validating, "validate_on: a workflow it validates on changed", now,
                     out);
                out.actions.push_back(Action{h.spec.key, ActionKind::validate, h.st.revision});
                continue;
            }
            if (h.st.phase != Phase::pending)
                continue;
            ++active;
            if (h.spec.has_before_shutdown) {
                move(h, Phase::shutting_down, "its turn: before_shutdown containers", now, out);
                out.actions.push_back(
                    Action{h.spec.key, ActionKind::before_shutdown, h.st.revision});
            } else {
                startReboot(h, now, out);
            }
        }
    }
}

std::optional<HostStatus> Rollout::status(std::string_view key) const {
    const Host* h = find(key);
    if (h == nullptr)
        return std::nullopt;
    return h->st;
}

std::vector<std::string> Rollout::workflows() const {
    std::vector<std::string> out;
    for (const auto& f : flows_)
        out.push_back(f.rules.id);
    return out;
}

std::vector<std::pair<std::string, std::array<size_t, kPhaseCount>>> Rollout::phaseCounts() const {
    std::vector<std::pair<std::string, std::array<size_t, kPhaseCount>>> out;
    out.reserve(flows_.size());
    for (const auto& f : flows_) {
        std::array<size_t, kPhaseCount> counts{};
        for (size_t i : f.hosts)
            ++counts[static_cast<size_t>(hosts_[i].st.phase)];
        out.emplace_back(f.rules.id, counts);
    }
    return out;
}

std::vector<std::string> Rollout::hostsOf(std::string_view workflow) const {
    std::vector<std::string> out;
    if (const Flow* f = flow(std::string(workflow)); f != nullptr) {
        for (size_t i : f->hosts)
            out.push_back(hosts_[i].spec.key);
    }
    return out;
}

HostRecord Rollout::recordOf(const Host& h, bool stored) const {
    HostRecord r;
    r.key = h.spec.key;
    r.phase = h.st.phase;
    r.stage = h.st.stage;
    r.attempts = h.st.attempts;
    r.previous_revision = h.previous_revision;
    r.queued_revision = h.queued_revision;
    r.rolled_back = h.rolled_back;
    r.revalidate = h.revalidate;
    if (!stored || !follows(h, latest_)) {
        r.revision = h.st.revision;
        r.provisioned_revision = h.st.provisioned_revision;
    }
    return r;
}

RolloutChanges Rollout::takeChanges() {
    RolloutChanges out;
    out.hosts.reserve(changed_hosts_.size());
    for (size_t i : changed_hosts_)
        out.hosts.push_back(recordOf(hosts_[i], true));
    changed_hosts_.clear();
    if (flows_changed_) {
        for (const auto& f : flows_)
            out.flows.push_back(FlowRecord{f.rules.id, f.halted, f.halt_reason, f.changing});
        flows_changed_ = false;
    }
    if (latest_ != stored_follow_) {
        out.follow = latest_;
        stored_follow_ = latest_;
    }
    return out;
}

void Rollout::markAllChanged() {
    for (size_t i = 0; i < hosts_.size(); ++i)
        changed_hosts_.insert(i);
    flows_changed_ = true;
    stored_follow_ = 0;
}

std::vector<HostRecord> Rollout::records() const {
    std::vector<HostRecord> out;
    out.reserve(hosts_.size());
    for (const auto& h : hosts_)
        out.push_back(recordOf(h, false));
    return out;
}

Step Rollout::restore(const std::vector<HostRecord>& hosts,
                      const std::vector<FlowRecord>& flows,
                      TimePoint now,
                      uint64_t follow) {
    Step out;
    const uint64_t planned = follow != 0 ? follow : latest_;
    for (const auto& r : hosts) {
        Host* h = find(r.key);
        if (h == nullptr || r.phase == Phase::removed)
            continue;  // gone from the model, or back in it after a removal: a new host
        const auto index = static_cast<size_t>(h - hosts_.data());
        unpinned_.insert(index);
        h->st.phase = r.phase;
        h->st.stage = std::min(r.stage, h->spec.stages - 1);
        h->st.revision = r.follows() ? planned : r.revision;
        h->st.provisioned_revision = r.follows() ? planned : r.provisioned_revision;
        // Its record follows a revision this rollout is not on: written out again, named, so
        // that storing this rollout's own revision does not move it.
        if (r.follows() && planned != latest_)
            changed_hosts_.insert(index);
        h->st.attempts = r.attempts;
        h->st.since = now;
        h->previous_revision = r.previous_revision;
        h->queued_revision = r.queued_revision;
        h->rolled_back = r.rolled_back;
        h->revalidate = r.revalidate;
        if (h->st.phase == Phase::shutting_down)
            out.actions.push_back(Action{h->spec.key, ActionKind::before_shutdown, r.revision});
        else if (h->st.phase == Phase::validating)
            out.actions.push_back(Action{h->spec.key, ActionKind::validate, r.revision});
    }
    for (const auto& r : flows) {
        if (Flow* f = flow(r.id); f != nullptr) {
            f->halted = r.halted;
            f->halt_reason = r.reason;
            f->changing = r.changing;
        }
    }
    stored_follow_ = follow;
    return out;
}

std::set<uint64_t> Rollout::pinnedRevisions() const {
    syncPins();
    std::set<uint64_t> out;
    for (const auto& [n, count] : pins_)
        out.insert(n);
    return out;
}

std::set<uint64_t> Rollout::takeReleased() {
    syncPins();
    return std::exchange(released_, {});
}

std::optional<Phase> parsePhase(std::string_view text) {
    for (Phase p : {Phase::provisioned, Phase::pending, Phase::shutting_down, Phase::rebooting,
                    Phase::awaiting_reboot, Phase::booting, Phase::validating, Phase::failed,
                    Phase::removed}) {
        if (toString(p) == text)
            return p;
    }
    return std::nullopt;
}

bool Rollout::halted(std::string_view workflow) const {
    const Flow* f = flow(std::string(workflow));
    return f != nullptr && f->halted;
}

}  // namespace vq::workflow
