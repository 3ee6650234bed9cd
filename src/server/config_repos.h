#pragma once
// The Advanced SoT's configuration repositories, for a git SoT. A site whose env.yml, or the
// first document of one of its cluster files, is a `config:` document takes the shared
// definitions (assets/, os/, boot/, workflows/: everything outside sites/) from the
// repository it names instead of from the SoT's own tree ("a config section takes
// precedence"):
//
//   config: {id: <GitHook ID>, type: git, url: <repository>, ref: <branch, tag or commit>}
//
// The repository is mirrored under <dir>/<id>-<url hash>.git and fetched on every load; the
// GitHook `id` names is the webhook a push to it arrives on, and its token is sent only to
// its own URL (a SoT cannot make the server send a token elsewhere). `ref` defaults to the
// SoT's branch (`master` for a local SoT). An unreachable repository serves what was fetched
// last, loudly. `type: local` (a directory on the server) is refused here: not for whoever
// pushes to choose (a local SoT follows those: model::loadLocalSot). A local SoT's sites may
// name a git configuration too: it is fetched through takeGit. One revision holds one set of
// shared definitions, so every site that names a configuration must name the same.

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/file_set.h"
#include "base/result.h"
#include "model/model.h"
#include "model/shared_definitions.h"
#include "server/config.h"

namespace vq::git {
class Mirror;
}

namespace vq::server {

class ConfigRepos {
public:
    // What a load takes from the configuration repository: its tree (model::
    // withSharedDefinitions takes what counts), a key that changes when what is taken
    // changes, a summary for the log and GET /sot, the repository's GitHook.
    using Taken = model::FetchedDefinitions;

    ConfigRepos(std::filesystem::path dir,
                std::vector<GitHookConfig> hooks,
                std::string default_ref,
                std::chrono::seconds fetch_deadline);
    ~ConfigRepos();

    // The configuration the model's sites name, fetched: nullopt when no site names one; an
    // error when sites disagree, a GitHook is unknown, or nothing can be read.
    Result<std::optional<Taken>> take(const model::Model& model);
    // A git configuration (one the sites agree on), fetched: what take() does once it knows
    // which (a local SoT's loader checks the sites itself).
    Result<Taken> takeGit(const model::SotConfig& config);

private:
    std::filesystem::path dir_;
    std::vector<GitHookConfig> hooks_;
    std::string default_ref_;
    std::chrono::seconds fetch_deadline_;
    std::map<std::string, std::unique_ptr<git::Mirror>> mirrors_;  // by id + "\n" + url
};

}  // namespace vq::server
