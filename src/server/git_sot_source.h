#pragma once
// A SoT fed from git (config `SoT[].Git`): a mirror of the hook's repository under
// <SavePath>/git/<sot-id>/mirror.git, and the tree the model is loaded from under
// <SavePath>/git/<sot-id>/tree. refresh() fetches, checks the branch's commit out, applies
// every site's `env.release_tag`, loads and validates; only a SoT without errors (and that
// `accept` takes) is handed on, so the last good one keeps serving otherwise.
//
// release_tag, per site: the site's directory (sites/<dir>/, its env.yml and inventory)
// comes from that tag or commit instead of the branch head; the shared definitions (os/,
// boot/, workflows/, assets/) come from the branch head, because one revision holds one set
// of them. A tag or commit the repository does not have falls back to the branch head, as
// the original did, and says so in the log and in the status.
//
// Configuration repositories (config_repos.h): when the sites name one in a `config:`
// document, the shared definitions come from it instead, and a push to it (its GitHook)
// refreshes this SoT like a push to the SoT's own repository.

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.h"
#include "model/load.h"
#include "server/config.h"
#include "server/push_target.h"

namespace vq::git {
class Mirror;
}

namespace vq::server {

class ConfigRepos;

class GitSotSource : public PushTarget {
public:
    // An accepted load: the model and the branch commit it came from.
    struct Loaded {
        std::shared_ptr<const model::Model> model;
        std::string commit;
    };
    using Accept = std::function<std::string(const model::Model&)>;
    using OnAccepted = std::function<void(const Loaded&)>;

    struct Options {
        model::LoadOptions load;
        Accept accept;  // an error message refuses the model
        std::chrono::seconds fetch_deadline{120};
        std::vector<GitHookConfig> hooks;  // the GitHooks configuration repositories name
    };

    // Opens (or creates) the mirror; fetches nothing yet.
    static Result<std::unique_ptr<GitSotSource>> open(SotSourceConfig sot,
                                                      GitHookConfig hook,
                                                      const std::string& save_path,
                                                      Options options);
    ~GitSotSource();

    // Called with every accepted load after the first (set before the webhook can fire).
    void onAccepted(OnAccepted fn);

    // The first load, at start-up. An unreachable remote, or a branch head with errors,
    // falls back to the commit served before the restart (kept in <dir>/served-commit),
    // loudly; with nothing to fall back on, a SoT with errors is an error.
    Result<Loaded> loadInitial();

    // Fetch and load again (a webhook): publishes through onAccepted when the loaded trees
    // differ from the served ones. Serialised: concurrent deliveries run one after another.
    GitSotAttempt refresh(const std::string& trigger) override;

    const SotSourceConfig& sot() const override { return sot_; }
    bool ownHook(const std::string& hook_id) const override { return hook_id == hook_.id; }
    // The checked-out tree the last load read (rewritten by the next refresh).
    std::filesystem::path treeDir() const { return dir_ / "tree"; }
    const GitHookConfig& hook() const { return hook_; }
    // Whether a push to GitHook `id` concerns this SoT: its own, or that of the configuration
    // repository its sites named at the last load.
    bool follows(const std::string& hook_id) const override;
    // The served commit and the last attempt (copies: callers are other threads).
    std::string servedCommit() const;
    GitSotAttempt lastAttempt() const;

private:
    GitSotSource(SotSourceConfig sot,
                 GitHookConfig hook,
                 std::filesystem::path dir,
                 Options options,
                 std::unique_ptr<git::Mirror> mirror);
    // Loads `commit` (with release tags applied); fills attempt; the model when accepted.
    // `key` names what was loaded: the commit and every site's resolved release tag.
    std::shared_ptr<const model::Model> load(const std::string& commit,
                                             GitSotAttempt& attempt,
                                             std::string& key);
    void record(const GitSotAttempt& attempt);
    // Marks what is served now (and remembers the commit across restarts).
    void serve(const std::string& key, const std::string& commit);

    SotSourceConfig sot_;
    GitHookConfig hook_;
    std::filesystem::path dir_;
    Options options_;
    std::unique_ptr<git::Mirror> mirror_;
    std::unique_ptr<ConfigRepos> config_repos_;
    std::mutex refresh_mu_;  // one fetch at a time
    // Parsed files of the last load: a push parses only the files it changed.
    model::ParsedSotCache parsed_;
    mutable std::mutex mu_;  // guards what follows
    OnAccepted on_accepted_;
    std::string config_hook_;  // the configuration repository's GitHook at the last load
    std::string served_key_;   // branch commit + resolved release tags of the served tree
    std::string served_commit_;
    GitSotAttempt last_;
};

}  // namespace vq::server
