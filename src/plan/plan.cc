#include "plan/plan.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <optional>
#include <thread>
#include <vector>

#include "plan/artifacts.h"
#include "plan/compare.h"
#include "plan/fingerprint.h"
#include "plan/secret_mask.h"
#include "plan/waves.h"
#include <fmt/format.h>

#include "model/host_roles.h"

namespace vq::plan {
namespace {

// The BMC type Vaquero can drive for this host; empty when there is none it can use.
std::string usablePower(const model::Host& host) {
    const model::Interface* i = model::powerInterface(host);
    return i != nullptr ? i->bmc->type : std::string();
}

// Sites are matched by env id only (Model::site also accepts a directory name, which would
// pair a renamed site with its old self).
const model::Site* siteById(const model::Model& m, std::string_view id) {
    const model::Site* s = m.site(id);
    return s != nullptr && s->id == id ? s : nullptr;
}

std::string workflowKey(const model::Host& host) {
    return host.workflow.empty() && !host.boot.empty() ? "boot " + host.boot : host.workflow;
}

std::string joinBoots(const std::vector<std::string_view>& boots) {
    std::string s = "[";
    for (size_t i = 0; i < boots.size(); ++i) {
        s += i ? ", " : "";
        s += boots[i];
    }
    return s + "]";
}

SecretMask maskFor(const model::Model* old_model,
                   const model::Site* old_site,
                   const model::Host* old_host,
                   const model::Model& new_model,
                   const model::Site* new_site,
                   const model::Host* new_host) {
    SecretMask mask;
    auto add = [&mask](const model::Model& m, const model::Site* site, const model::Host* host) {
        if (site != nullptr)
            mask.addSite(*site);
        if (host == nullptr)
            return;
        mask.addHost(*host);
        for (const auto& id : model::stageBoots(m, *host)) {
            if (const model::Boot* b = m.boot(id))
                mask.addBoot(*b);
        }
    };
    if (old_model != nullptr)
        add(*old_model, old_site, old_host);
    add(new_model, new_site, new_host);
    return mask;
}

// Runs fn(0..n-1) on up to four threads; small batches stay on the caller's thread.
template <typename Fn>
void parallelFor(size_t n, const Fn& fn) {
    const size_t threads =
        n < 64 ? 1 : std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4);
    std::atomic<size_t> next{0};
    auto work = [&] {
        for (size_t i = next++; i < n; i = next++)
            fn(i);
    };
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t)
        pool.emplace_back(work);
    work();
    for (auto& t : pool)
        t.join();
}

bool inWave(const HostPlan& h) {
    return h.rolledOut() || h.start == HostStart::NextNetboot;
}

class Planner {
public:
    Planner(const std::shared_ptr<const model::Model>& old_model,
            const std::shared_ptr<const model::Model>& new_model,
            const PlanOptions& options)
        : old_(*old_model),
          new_(*new_model),
          options_(options),
          old_fp_(old_),
          new_fp_(new_),
          old_render_(old_model),
          new_render_(new_model) {}

    Plan run() {
        Plan plan;
        plan.hosts_old = old_.hostCount();  // plus the unloaded unchanged ones, below
        plan.hosts_new = new_.hostCount();
        for (const auto& site : new_.sites()) {
            SitePlan sp = planSite(site, plan);
            if (!sp.hosts.empty())
                plan.sites.push_back(std::move(sp));
        }
        // Sites that disappeared: all their hosts are removed.
        for (const auto& site : old_.sites()) {
            if (siteById(new_, site.id) != nullptr)
                continue;
            SitePlan sp;
            sp.site = site.id;
            for (const auto& h : site.hosts)
                sp.hosts.push_back(removed(site, h));
            if (!sp.hosts.empty())
                plan.sites.push_back(std::move(sp));
        }
        return plan;
    }

private:
    HostPlan removed(const model::Site& site, const model::Host& h) const {
        HostPlan hp;
        hp.site = site.id;
        hp.host = h.name;
        hp.workflow = workflowKey(h);
        hp.kind = HostChangeKind::Removed;
        hp.reasons.push_back({"removed host", {}});
        return hp;
    }

    // The plan of one host whose inputs moved (or that is new); nothing when its served bytes
    // did not change. Const and self-contained, so hosts are planned on several threads.
    std::optional<HostPlan> planHost(const model::Site& site,
                                     const model::Site* old_site,
                                     const model::Host& host,
                                     const model::Host* before) const {
        HostPlan hp;
        hp.site = site.id;
        hp.host = host.name;
        hp.workflow = workflowKey(host);
        hp.power = usablePower(host);
        const SecretMask mask =
            maskFor(before ? &old_ : nullptr, old_site, before, new_, &site, &host);
        HostArtifacts old_art;
        if (before != nullptr) {
            const HostArtifacts* ahead = nullptr;
            if (options_.old_artifacts != nullptr) {
                auto it = options_.old_artifacts->find(before);
                if (it != options_.old_artifacts->end())
                    ahead = &it->second;
            }
            old_art = ahead != nullptr ? *ahead : old_render_.render(*old_site, *before);
            hp.kind = HostChangeKind::Changed;
            if (workflowKey(*before) != hp.workflow) {
                hp.reasons.push_back(
                    {fmt::format("workflow changed: {} -> {}", workflowKey(*before), hp.workflow),
                     {}});
            } else {
                const auto was = model::stageBoots(old_, *before),
                           now = model::stageBoots(new_, host);
                if (was != now) {
                    hp.reasons.push_back({fmt::format("workflow {} changed: stages {} -> {}",
                                                      hp.workflow, joinBoots(was), joinBoots(now)),
                                          {}});
                }
            }
        } else {
            hp.kind = HostChangeKind::New;
            hp.reasons.push_back({"new host", {}});
        }
        const HostArtifacts new_art = new_render_.render(site, host);
        Comparison cmp =
            compareArtifacts(old_art, new_art, mask, site.id + "/" + host.name, options_.diff);
        if (before != nullptr && hp.reasons.empty() && cmp.reasons.empty())
            return std::nullopt;  // inputs moved, served bytes did not
        hp.reasons.insert(hp.reasons.end(), std::make_move_iterator(cmp.reasons.begin()),
                          std::make_move_iterator(cmp.reasons.end()));
        hp.error = cmp.error;
        if (hp.error) {
            hp.start = HostStart::None;
        } else if (host.never_provision) {
            hp.start = HostStart::Never;
        } else if (hp.kind == HostChangeKind::New &&
                   !(site.policy.force_provision && !hp.power.empty())) {
            hp.start = HostStart::NextNetboot;
        } else {
            hp.start = hp.power.empty() ? HostStart::ManualReboot : HostStart::Reboot;
        }
        return hp;
    }

    SitePlan planSite(const model::Site& site, Plan& plan) {
        SitePlan sp;
        sp.site = site.id;
        const model::Site* old_site = siteById(old_, site.id);
        struct Job {
            const model::Host* host;
            const model::Host* before;
        };
        std::vector<Job> jobs;
        if (old_site == &site) {
            // The same site object in both models (none of its files changed): every host is
            // the same document, so only the definitions it names can have moved. Decided once
            // per (workflow, boot) pair, not hashed per host: on a large site this is what a
            // change that moves no host costs.
            std::map<std::pair<std::string_view, std::string_view>, bool> moved;
            for (const auto& host : site.hosts) {
                auto [it, fresh] = moved.try_emplace({host.workflow, host.boot}, false);
                if (fresh) {
                    it->second =
                        old_fp_.workflow(host.workflow) != new_fp_.workflow(host.workflow) ||
                        old_fp_.boot(host.boot) != new_fp_.boot(host.boot);
                }
                if (it->second)
                    jobs.push_back({&host, &host});
            }
        } else {
            for (const auto& host : site.hosts) {
                const model::Host* before =
                    old_site != nullptr ? old_.host(old_site->id, host.name) : nullptr;
                if (before == nullptr && options_.unchanged_files.count(host.origin.file) != 0) {
                    ++plan.hosts_old;  // the same document, with inputs the caller found equal
                    continue;
                }
                if (before != nullptr) {
                    // The same host object in both models (a site they share) is the same document:
                    // only what it refers to can have moved.
                    const uint64_t doc_old =
                        before == &host ? 0 : InputFingerprints::document(*before);
                    const uint64_t doc_new =
                        before == &host ? 0 : InputFingerprints::document(host);
                    if (old_fp_.host(*old_site, *before, doc_old) ==
                        new_fp_.host(site, host, doc_new))
                        continue;  // same inputs, same bytes: not even rendered
                }
                jobs.push_back({&host, before});
            }
        }
        plan.hosts_rendered += jobs.size();
        std::vector<std::optional<HostPlan>> planned(jobs.size());
        parallelFor(jobs.size(), [&](size_t i) {
            planned[i] = planHost(site, old_site, *jobs[i].host, jobs[i].before);
        });
        std::vector<HostPlan> changed;
        for (auto& hp : planned) {
            if (!hp)
                continue;
            if (hp->error) {
                plan.errors.push_back(
                    fmt::format("host {}/{}: its new artifacts do not render", hp->site, hp->host));
            }
            changed.push_back(std::move(*hp));
        }
        assignSiteWaves(changed, sp, plan);
        if (old_site != nullptr && old_site != &site) {  // a shared site lost no host
            for (const auto& h : old_site->hosts) {
                if (new_.host(site.id, h.name) == nullptr)
                    sp.hosts.push_back(removed(*old_site, h));
            }
        }
        return sp;
    }

    void assignSiteWaves(std::vector<HostPlan>& changed, SitePlan& sp, Plan& plan) const {
        std::vector<WaveHost> wave_hosts;
        std::vector<size_t> index;
        for (size_t i = 0; i < changed.size(); ++i) {
            if (inWave(changed[i])) {
                wave_hosts.push_back({changed[i].workflow});
                index.push_back(i);
            }
        }
        // A percentage is of all the workflow's hosts, as the rollout counts it.
        std::map<std::string, size_t> workflow_hosts;
        for (const auto& site : new_.sites()) {
            for (const auto& h : site.hosts)
                ++workflow_hosts[h.workflow];
        }
        std::map<std::string, RolloutRule> rules;
        for (const auto& wf : new_.workflows()) {
            rules[wf.id] =
                RolloutRule{wf.deps.max_concurrent.of(workflow_hosts[wf.id]), wf.deps.block_deps};
        }
        WaveAssignment waves = assignWaves(wave_hosts, rules);
        for (const auto& e : waves.errors)
            plan.errors.push_back(e);
        for (size_t k = 0; k < index.size(); ++k) {
            HostPlan& hp = changed[index[k]];
            hp.wave = waves.wave[k];
            if (auto it = waves.blocked_by.find(hp.workflow); it != waves.blocked_by.end())
                hp.blocked_by = it->second;
        }
        sp.waves = waves.waves;
        // Wave order (stable: inventory order inside a wave), then the hosts in no wave.
        std::stable_sort(changed.begin(), changed.end(), [](const HostPlan& a, const HostPlan& b) {
            const int wa = a.wave == 0 ? 1 << 30 : a.wave, wb = b.wave == 0 ? 1 << 30 : b.wave;
            return wa < wb;
        });
        sp.hosts = std::move(changed);
    }

    const model::Model& old_;
    const model::Model& new_;
    const PlanOptions& options_;
    InputFingerprints old_fp_, new_fp_;
    ArtifactRenderer old_render_, new_render_;
};

}  // namespace

bool Plan::hasErrors() const {
    return !errors.empty();
}

template <typename Pred>
size_t countHosts(const std::vector<SitePlan>& sites, Pred pred) {
    size_t n = 0;
    for (const auto& s : sites) {
        for (const auto& h : s.hosts)
            n += pred(h) ? 1 : 0;
    }
    return n;
}

size_t Plan::count(HostChangeKind kind) const {
    return countHosts(sites, [kind](const HostPlan& h) { return h.kind == kind; });
}

size_t Plan::countStart(HostStart start) const {
    return countHosts(sites, [start](const HostPlan& h) { return h.start == start; });
}

size_t Plan::reprovisionCount() const {
    return countHosts(sites, [](const HostPlan& h) {
        return h.kind == HostChangeKind::Changed && h.rolledOut();
    });
}

Plan computePlan(const std::shared_ptr<const model::Model>& old_model,
                 const std::shared_ptr<const model::Model>& new_model,
                 const PlanOptions& options) {
    return Planner(old_model, new_model, options).run();
}

const char* kindName(HostChangeKind kind) {
    switch (kind) {
        case HostChangeKind::New:
            return "new";
        case HostChangeKind::Changed:
            return "changed";
        case HostChangeKind::Removed:
            return "removed";
    }
    return "changed";
}

const char* startName(HostStart start) {
    switch (start) {
        case HostStart::Reboot:
            return "reboot";
        case HostStart::ManualReboot:
            return "manual_reboot";
        case HostStart::NextNetboot:
            return "next_netboot";
        case HostStart::Never:
            return "never";
        case HostStart::None:
            return "none";
    }
    return "none";
}

std::string startText(const HostPlan& host) {
    switch (host.start) {
        case HostStart::Reboot:
            return fmt::format("rebooted by Vaquero through its {} BMC", host.power);
        case HostStart::ManualReboot:
            return "waiting for a manual reboot (no usable BMC)";
        case HostStart::NextNetboot:
            return "provisioned when it next netboots (new host, policy.force_provision off or "
                   "no usable BMC)";
        case HostStart::Never:
            return "never rebooted by Vaquero (never_provision)";
        case HostStart::None:
            return host.kind == HostChangeKind::Removed ? "no longer served"
                                                        : "not provisioned: fix the errors first";
    }
    return {};
}

}  // namespace vq::plan
