#pragma once
// Re-reads a local SoT directory as soon as it changes (inotify), and every PollInterval in
// case a change went unnoticed. A change that loads without errors replaces the model
// (ModelHolder::set, atomic for readers); a change with errors keeps the last good model and
// logs every error. Unchanged directories (same names, sizes and modification times) are not
// re-read, and of a changed one only the files whose bytes changed are parsed again (the
// parse cache, shared with the server's first load). A directory that changes while it is
// being read (an editor or a sync tool half-way through) is not judged at all: the torn read
// is dropped and read again. And a change is loaded only once it has held still for `settle`
// (a file truncated and not yet rewritten is a valid, empty, inventory): measured on the
// steady clock, between polls that see the same fingerprint.
//
// When the SoT's sites name a configuration directory (`config: {type: local, url: DIR}`),
// the shared definitions come from DIR (model::loadLocalSot) and DIR is watched too (by its
// fingerprint, so a change there is seen within the poll interval). When they name a git
// configuration and the server gave `fetch`, the definitions are fetched with every load, and
// a push to that repository's GitHook reloads the SoT (reloadNow, through the Gitter): what
// was taken from it (its commit) is part of the fingerprint, so a push that changed nothing
// is no new model.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "control/model_holder.h"

#include "model/load.h"
#include "model/shared_definitions.h"
#include "server/dir_change_notifier.h"
#include "server/push_target.h"

namespace vq::server {

class SotWatcher {
public:
    // Decides whether a loaded model is acceptable (returns an error message otherwise).
    using Accept = std::function<std::string(const model::Model&)>;
    // Called after a successful swap (to publish it as a revision), with the files the model
    // was loaded from (one read of the directory: what is stored as the revision must be what
    // was validated); false when it could not be taken (its revision number could not be
    // stored): the next poll loads it again.
    using OnSwap = std::function<bool(const std::shared_ptr<const model::Model>&,
                                      const std::vector<model::SotFile>&)>;

    SotWatcher(std::filesystem::path root,
               model::LoadOptions options,
               control::ModelHolder& holder,
               std::chrono::milliseconds interval,
               Accept accept = {},
               OnSwap on_swap = {},
               model::ParsedSotCache* cache = nullptr,
               std::chrono::milliseconds settle = std::chrono::milliseconds(0),
               std::filesystem::path definitions = {},
               model::FetchDefinitions fetch = {},
               const model::FetchedDefinitions& first_fetched = {});
    ~SotWatcher();

    // One poll now (tests); true when the model was replaced.
    bool pollOnce();
    // Loads now even if the directory did not change (a push to the git configuration):
    // accepted, unchanged (nothing new taken), refused (the SoT's errors) or fetch_failed.
    GitSotAttempt reloadNow(const std::string& trigger);
    // The GitHook of the git configuration the last load took ("" when none).
    std::string configHook() const;
    void start();
    void stop();

    // The fingerprint of what is loaded, exposed for tests.
    static std::string fingerprint(const std::filesystem::path& root);

private:
    enum class Polled { unchanged, accepted, refused, deferred };
    // One load when the directory changed and held still, or at once when `force`d.
    Polled poll(bool force, std::string& reason);
    void run();
    bool stopping();
    // The SoT's fingerprint and, when it takes them from a directory, its definitions'.
    std::string currentFingerprint() const;

    std::filesystem::path root_;
    std::filesystem::path definitions_;  // the configuration directory of the last load
    model::FetchDefinitions fetch_;      // a git configuration's definitions
    // What the last load took from it (no files); written under mu_ (its hook is read by
    // the Gitter's thread), its key read by the polls.
    model::FetchedDefinitions taken_;
    std::mutex poll_mu_;  // one load at a time: the thread's or reloadNow's
    model::LoadOptions options_;
    control::ModelHolder& holder_;
    std::chrono::milliseconds interval_;
    Accept accept_;
    OnSwap on_swap_;
    model::ParsedSotCache* cache_;
    std::string loaded_fingerprint_;
    std::string rejected_fingerprint_;
    std::chrono::milliseconds settle_;
    std::string settling_fingerprint_;  // a change seen, not yet loaded
    std::chrono::steady_clock::time_point settling_since_;
    // The last poll put a change off: poll again after `settle`.
    std::atomic<bool> settling_{false};
    mutable std::mutex mu_;
    bool stop_ = false;
    std::unique_ptr<DirChangeNotifier> notifier_;
    std::thread thread_;
};

}  // namespace vq::server
