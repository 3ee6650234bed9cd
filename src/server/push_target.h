#pragma once
// What a push webhook refreshes (the Gitter's consumer interface): a git SoT, fetched from its
// own repository and from the configuration repository its sites name (GitSotSource), or a
// local SoT whose sites take their shared definitions from a git configuration repository
// (LocalSotPushTarget).

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "server/config.h"

namespace vq::server {

// What one refresh did, for the webhook's answer, the log and GET /sot.
struct GitSotAttempt {
    enum class Outcome { accepted, unchanged, refused, fetch_failed };
    Outcome outcome = Outcome::fetch_failed;
    std::string trigger;  // "start-up", "webhook"
    std::chrono::system_clock::time_point at{};
    std::string commit;                     // the branch head loaded (empty if none)
    std::string reason;                     // why refused or failed
    std::vector<std::string> errors;        // the SoT's errors, "file:line:col: error: ..."
    std::vector<std::string> release_tags;  // one line per site with a release_tag
    std::string config;  // where the shared definitions came from when the sites name it
};

std::string_view toString(GitSotAttempt::Outcome outcome);

class PushTarget {
public:
    virtual ~PushTarget() = default;
    virtual const SotSourceConfig& sot() const = 0;
    // Whether the SoT itself is fetched through GitHook `hook_id` (then only a push to its
    // branch, or a tag, concerns it).
    virtual bool ownHook(const std::string& hook_id) const = 0;
    // Whether a push to GitHook `hook_id` concerns this SoT: its own, or that of the
    // configuration repository its sites named at the last load.
    virtual bool follows(const std::string& hook_id) const = 0;
    // Fetch and load again; the new model is served when it differs and is valid.
    virtual GitSotAttempt refresh(const std::string& trigger) = 0;
};

}  // namespace vq::server
