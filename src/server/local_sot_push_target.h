#pragma once
// A local SoT as a push webhook's target: its sites take their shared definitions from a git
// configuration repository, and a push to that repository's GitHook reloads the SoT at once
// (SotWatcher::reloadNow) instead of waiting for the directory to change.

#include <atomic>
#include <string>

#include "server/push_target.h"
#include "server/sot_watcher.h"

namespace vq::server {

class LocalSotPushTarget : public PushTarget {
public:
    explicit LocalSotPushTarget(SotSourceConfig sot) : sot_(std::move(sot)) {}
    // The watcher that loads the SoT; until it is set, a push is answered fetch_failed.
    void setWatcher(SotWatcher* watcher) { watcher_.store(watcher); }

    const SotSourceConfig& sot() const override { return sot_; }
    bool ownHook(const std::string&) const override { return false; }  // a directory
    bool follows(const std::string& hook_id) const override {
        SotWatcher* w = watcher_.load();
        return w != nullptr && !hook_id.empty() && w->configHook() == hook_id;
    }
    GitSotAttempt refresh(const std::string& trigger) override {
        if (SotWatcher* w = watcher_.load())
            return w->reloadNow(trigger);
        GitSotAttempt a;
        a.trigger = trigger;
        a.reason = "the SoT is not watched yet";
        return a;
    }

private:
    SotSourceConfig sot_;
    std::atomic<SotWatcher*> watcher_{nullptr};
};

}  // namespace vq::server
