// RemoteLinks' state manifest: the long poll that keeps it (whole, or a delta applied to
// what the agent holds), and what it answers the agent's services for each host.
#include "remote/remote_links.h"

#include "base/log.h"

namespace vq::remote {
namespace wire = control::wire;

// One manifest poll: answered at once when the server's change count is not the one of the
// manifest held, else when something changes (or with nothing after the poll's wait).
bool RemoteLinks::refreshManifest() {
    // Queued checkpoints first: the manifest must not undo what they will do.
    if (queued_checkpoints_->size() > 0)
        return false;
    uint64_t seen = 0;
    {
        std::lock_guard lock(manifest_mu_);
        seen = manifest_current_ ? manifest_changes_ : 0;
    }
    https::ClientRequest req;
    req.target = std::string(wire::kManifest) + "?changes=" + std::to_string(seen) +
                 "&wait=" + std::to_string(options_.watch_wait.count());
    req.timeout = options_.watch_wait + std::chrono::seconds(30);
    auto resp = session_->send(req);
    if (!resp) {
        setConnected(false);
        std::lock_guard lock(manifest_mu_);
        manifest_current_ = false;
        return false;
    }
    if (resp->status == 204) {
        setConnected(true);
        return true;
    }
    if (resp->status != 200)
        return false;
    auto m = wire::decodeManifest(resp->body);
    if (!m)
        return false;
    setConnected(true);
    std::string to_save;
    {
        std::lock_guard lock(manifest_mu_);
        if (m->base != 0) {
            // A delta against what this agent named; anything else (a poll answered after
            // the manifest was reset) asks for the whole manifest next time.
            if (!manifest_current_ || m->base != manifest_changes_) {
                manifest_current_ = false;
                return false;
            }
            // Hosts changed here and not in the delta are as the base manifest had them.
            bool moved = !m->hosts.empty() || !m->removed.empty() || !local_base_.empty();
            for (auto& [name, base] : local_base_) {
                if (m->hosts.count(name) != 0)
                    continue;
                if (base)
                    manifest_[name] = *base;
                else
                    manifest_.erase(name);
            }
            local_base_.clear();
            for (auto& [name, served] : m->hosts)
                manifest_[name] = std::move(served);
            for (const auto& name : m->removed)
                manifest_.erase(name);
            pins_dirty_ = pins_dirty_ || moved;
            manifest_changes_ = m->changes;
            manifest_follow_ = m->follow;
            // Only what moved is written again (a change of numbers alone is not worth the
            // whole file: a restarted agent asks for the whole manifest anyway).
            if (moved) {
                // Lent to the encoder and back, rather than copied: a site's every host.
                wire::Manifest whole;
                whole.revision = m->revision;
                whole.changes = m->changes;
                whole.follow = m->follow;
                whole.hosts = std::move(manifest_);
                to_save = wire::encodeManifest(whole);
                manifest_ = std::move(whole.hosts);
            }
        } else {
            manifest_ = std::move(m->hosts);
            pins_dirty_ = true;
            local_base_.clear();
            manifest_changes_ = m->changes;
            manifest_follow_ = m->follow;
            // Compared with what is on disk, not in memory: checkpoint answers update
            // memory only.
            if (resp->body != saved_manifest_)
                to_save = resp->body;
        }
        manifest_current_ = true;
        if (!to_save.empty())
            saved_manifest_ = to_save;
    }
    if (!to_save.empty()) {
        if (Status st = cache_.saveManifest(to_save); !st)
            VQ_LOG_WARN("AGENT_CACHE_WRITE_FAILED reason=\"{}\"", st.message());
    }
    keepPinned();
    return true;
}

void RemoteLinks::manifestLoop() {
    while (!stopping()) {
        const auto started = std::chrono::steady_clock::now();
        if (!refreshManifest()) {
            pause(options_.retry);
            continue;
        }
        // A burst of changes (a boot storm) costs one fetch per interval, not one per change.
        pause(options_.manifest_interval - std::chrono::duration_cast<std::chrono::milliseconds>(
                                               std::chrono::steady_clock::now() - started));
    }
}

control::ServedBoot RemoteLinks::served(const model::Site&,
                                        const model::Host& host,
                                        const model::Model& model) {
    {
        std::lock_guard lock(manifest_mu_);
        if (auto it = manifest_.find(host.name); it != manifest_.end()) {
            control::ServedBoot s = it->second;
            if (s.revision == 0)
                s.revision = manifest_follow_;
            return s;
        }
    }
    // Not in the manifest yet (a host new in this revision): its first stage, as the server
    // serves a host without progress.
    if (const model::Workflow* wf = model.workflow(host.workflow); wf && !wf->stages.empty())
        return control::ServedBoot{wf->stages.front().boot, 0};
    return control::ServedBoot{host.boot, 0};
}

void RemoteLinks::setLocally(const std::string& host, control::ServedBoot served) {
    auto it = manifest_.find(host);
    local_base_.try_emplace(host, it == manifest_.end()
                                      ? std::nullopt
                                      : std::optional<control::ServedBoot>(it->second));
    manifest_[host] = std::move(served);
    pins_dirty_ = true;
}

}  // namespace vq::remote
