#include "server/stored_state.h"

namespace vq::server {
namespace {

constexpr size_t kAllHistory = 1'000'000;

std::pair<std::string, std::string> splitKey(const std::string& key) {
    const size_t slash = key.find('/');
    if (slash == std::string::npos)
        return {"", key};
    return {key.substr(0, slash), key.substr(slash + 1)};
}

bool sameTransitions(const std::vector<workflow::StoredTransition>& a,
                     const std::vector<workflow::StoredTransition>& b) {
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i) {
        const auto& x = a[i];
        const auto& y = b[i];
        if (x.time != y.time || x.transition.host != y.transition.host ||
            x.transition.from != y.transition.from || x.transition.to != y.transition.to ||
            x.transition.stage != y.transition.stage ||
            x.transition.revision != y.transition.revision ||
            x.transition.reason != y.transition.reason)
            return false;
    }
    return true;
}

bool sameRevision(const workflow::StoredRevision& a, const workflow::StoredRevision& b) {
    return a.number == b.number && a.source_id == b.source_id && a.commit == b.commit &&
           a.loaded == b.loaded && a.bundle == b.bundle;
}

}  // namespace

Result<SotState> readSot(workflow::RolloutStore& rollout, workflow::ProgressStore& progress) {
    SotState out;
    auto numbers = rollout.revisionNumbers();
    if (!numbers)
        return numbers.status();
    for (uint64_t n : *numbers) {
        auto r = rollout.revision(n);
        if (!r)
            return r.status();
        if (*r)
            out.revisions[n] = std::move(**r);
    }
    auto state = rollout.loadRollout(kAllHistory);
    if (!state)
        return state.status();
    out.follow = state->follow;
    for (auto& h : state->hosts) {
        if (h.follows())
            h.revision = h.provisioned_revision = state->follow;
        auto [site, name] = splitKey(h.key);
        out.sites[site].hosts[name] = std::move(h);
    }
    for (auto& f : state->flows) {
        auto [site, name] = splitKey(f.id);
        out.sites[site].flows[name] = std::move(f);
    }
    for (auto& [key, list] : state->history) {
        auto [site, name] = splitKey(key);
        out.sites[site].history[name] = std::move(list);
    }
    auto all = progress.all();
    if (!all)
        return all.status();
    for (auto& p : *all)
        out.sites[p.site].progress[p.host] = p;
    return out;
}

Status writeSot(const SotState& state,
                workflow::RolloutStore& rollout,
                workflow::ProgressStore& progress) {
    for (const auto& [n, r] : state.revisions)
        VQ_TRY(rollout.saveRevision(r));
    for (const auto& [site, s] : state.sites) {
        workflow::RolloutChanges changes;
        std::vector<workflow::StoredTransition> transitions;
        for (const auto& [name, h] : s.hosts) {
            workflow::HostRecord copy = h;
            copy.key = site + "/" + name;
            changes.hosts.push_back(std::move(copy));
        }
        for (const auto& [name, f] : s.flows) {
            workflow::FlowRecord copy = f;
            copy.id = site + "/" + name;
            changes.flows.push_back(std::move(copy));
        }
        for (const auto& [name, list] : s.history) {
            for (auto t : list) {
                t.transition.host = site + "/" + name;
                transitions.push_back(std::move(t));
            }
        }
        VQ_TRY(rollout.wait(
            rollout.saveRollout(std::move(changes), std::move(transitions), kAllHistory)));
        for (const auto& [name, p] : s.progress) {
            workflow::HostProgress copy = p;
            copy.site = site;
            copy.host = name;
            VQ_TRY(progress.save(copy));
        }
    }
    // After the records, as the rollout writes it; never over a store's own (its records
    // that follow it would move): the records written here name their revisions anyway.
    Result<workflow::RolloutState> existing =
        state.follow != 0 ? rollout.loadRollout(0)
                          : Result<workflow::RolloutState>(workflow::RolloutState{});
    if (!existing)
        return existing.status();
    if (state.follow != 0 && existing->follow == 0) {
        workflow::RolloutChanges follow;
        follow.follow = state.follow;
        VQ_TRY(rollout.wait(rollout.saveRollout(std::move(follow), {}, kAllHistory)));
    }
    return Status::ok();
}

SotState renameSites(SotState state, const std::string& site) {
    SotState out;
    out.follow = state.follow;
    out.revisions = std::move(state.revisions);
    for (auto& [from, s] : state.sites) {
        SiteState& to = out.sites[site];
        for (auto& [k, v] : s.hosts) {
            v.key = site + "/" + k;
            to.hosts[k] = std::move(v);
        }
        for (auto& [k, v] : s.flows) {
            v.id = site + "/" + k;
            to.flows[k] = std::move(v);
        }
        for (auto& [k, v] : s.history) {
            for (auto& t : v)
                t.transition.host = site + "/" + k;
            to.history[k] = std::move(v);
        }
        for (auto& [k, v] : s.progress) {
            v.site = site;
            to.progress[k] = std::move(v);
        }
    }
    return out;
}

SotState onlySite(SotState state, const std::string& site) {
    SotState out;
    if (auto it = state.sites.find(site); it != state.sites.end())
        out.sites[site] = std::move(it->second);
    return out;
}

std::vector<std::string> collisions(const SotState& incoming,
                                    const SotState& existing,
                                    const std::string& prefix) {
    std::vector<std::string> out;
    for (const auto& [n, r] : incoming.revisions) {
        if (existing.revisions.contains(n))
            out.push_back(prefix + "revision " + std::to_string(n));
    }
    for (const auto& [site, s] : incoming.sites) {
        auto it = existing.sites.find(site);
        if (it == existing.sites.end())
            continue;
        const SiteState& e = it->second;
        auto check = [&](const char* kind, const auto& mine, const auto& theirs) {
            for (const auto& [name, v] : mine) {
                if (theirs.contains(name))
                    out.push_back(prefix + site + "/" + kind + "/" + name);
            }
        };
        check("hosts", s.hosts, e.hosts);
        check("flows", s.flows, e.flows);
        check("progress", s.progress, e.progress);
    }
    return out;
}

std::string firstDifference(const SotState& expected, const SotState& actual) {
    for (const auto& [n, r] : expected.revisions) {
        auto it = actual.revisions.find(n);
        if (it == actual.revisions.end() || !sameRevision(r, it->second))
            return "revision " + std::to_string(n);
    }
    for (const auto& [site, s] : expected.sites) {
        auto it = actual.sites.find(site);
        if (it == actual.sites.end())
            return "site " + site;
        const SiteState& a = it->second;
        for (const auto& [name, h] : s.hosts) {
            auto got = a.hosts.find(name);
            if (got == a.hosts.end() || !(got->second == h))
                return site + "/hosts/" + name;
        }
        for (const auto& [name, f] : s.flows) {
            auto got = a.flows.find(name);
            if (got == a.flows.end() || !(got->second == f))
                return site + "/flows/" + name;
        }
        for (const auto& [name, list] : s.history) {
            auto got = a.history.find(name);
            if (got == a.history.end() || !sameTransitions(list, got->second))
                return site + "/history/" + name;
        }
        for (const auto& [name, p] : s.progress) {
            auto got = a.progress.find(name);
            if (got == a.progress.end() || !(got->second == p))
                return site + "/progress/" + name;
        }
    }
    return {};
}

}  // namespace vq::server
