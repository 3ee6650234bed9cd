#include "server/config_repos.h"

#include <cctype>
#include <string>

#include "git/mirror.h"
#include "git/tree_files.h"
#include "git/url_redaction.h"
#include "plan/hash.h"
#include <fmt/format.h>

#include "base/log.h"

namespace vq::server {
namespace {

namespace fs = std::filesystem;

bool sameConfig(const model::SotConfig& a, const model::SotConfig& b) {
    return a.id == b.id && a.type == b.type && a.url == b.url && a.ref == b.ref;
}

std::string describe(const model::SotConfig& c) {
    return fmt::format("{} {} ({})", c.type, git::urlWithoutCredentials(c.url), c.id);
}

// A mirror's directory: the GitHook id (letters, digits, '-' and '_' kept) and a hash of the
// URL, so that a configuration moved to another repository is not fetched into the old one.
std::string dirName(const std::string& id, const std::string& url) {
    std::string out;
    for (char c : id)
        out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
    return fmt::format("{}-{:016x}.git", out, plan::fnv64(url));
}

}  // namespace

ConfigRepos::ConfigRepos(fs::path dir,
                         std::vector<GitHookConfig> hooks,
                         std::string default_ref,
                         std::chrono::seconds fetch_deadline)
    : dir_(std::move(dir)),
      hooks_(std::move(hooks)),
      default_ref_(std::move(default_ref)),
      fetch_deadline_(fetch_deadline) {}

ConfigRepos::~ConfigRepos() = default;

Result<std::optional<ConfigRepos::Taken>> ConfigRepos::take(const model::Model& model) {
    const model::Site* first = nullptr;
    for (const auto& site : model.sites()) {
        if (!site.config)
            continue;
        if (first == nullptr) {
            first = &site;
        } else if (!sameConfig(*first->config, *site.config)) {
            return Status::invalidArgument(fmt::format(
                "sites {} and {} name different configuration repositories ({}; {}): one "
                "revision holds one set of assets/, os/, boot/ and workflows/",
                first->id, site.id, describe(*first->config), describe(*site.config)));
        }
    }
    if (first == nullptr)
        return std::optional<Taken>();
    const model::SotConfig& config = *first->config;
    if (config.type != "git") {
        // A directory on the server is not for whoever pushes to the SoT to choose.
        return Status::invalidArgument(
            "site " + first->id + " names a " + config.type +
            " configuration: a git SoT takes its configuration from git (type: git)");
    }
    auto taken = takeGit(config);
    if (!taken)
        return taken.status().prefixed("site " + first->id + "'s configuration repository");
    return std::optional<Taken>(std::move(*taken));
}

Result<ConfigRepos::Taken> ConfigRepos::takeGit(const model::SotConfig& config) {
    const GitHookConfig* hook = nullptr;
    for (const auto& h : hooks_) {
        if (h.id == config.id)
            hook = &h;
    }
    if (hook == nullptr)
        return Status::invalidArgument("config id '" + config.id + "' names no GitHook");
    const std::string slot = config.id + "\n" + config.url;
    auto it = mirrors_.find(slot);
    if (it == mirrors_.end()) {
        git::RemoteSpec remote;
        remote.url = config.url;
        // The hook's token goes to the hook's repository only.
        if (git::urlWithoutCredentials(config.url) == git::urlWithoutCredentials(hook->url))
            remote.token = hook->token;
        remote.deadline = fetch_deadline_;
        auto mirror = git::Mirror::open(dir_ / dirName(config.id, config.url), remote);
        if (!mirror)
            return mirror.status();
        it = mirrors_.emplace(slot, std::move(*mirror)).first;
    }
    git::Mirror& mirror = *it->second;
    const std::string ref = config.ref.empty() ? default_ref_ : config.ref;
    auto commit = mirror.fetch(ref);
    if (!commit && commit.code() == StatusCode::not_found)
        commit = mirror.resolveTagOrCommit(ref);  // fetched with the branches
    if (!commit) {
        // Unreachable: what was fetched last keeps the SoT loadable.
        auto cached = mirror.fetchedHead(ref);
        if (!cached)
            cached = mirror.resolveTagOrCommit(ref);
        if (!cached)
            return commit.status().prefixed(describe(config) + " at " + ref);
        VQ_LOG_WARN(
            "SOT_CONFIG_FETCH_FAILED repository={} ref={} reason=\"{}\" serving=last-fetched "
            "commit={}",
            git::urlWithoutCredentials(config.url), ref, commit.message(), *cached);
        commit = std::move(cached);
    }
    auto files = git::readTree(mirror, *commit);
    if (!files)
        return files.status().prefixed(describe(config) + " at " + *commit);
    Taken out;
    out.files = std::move(*files);
    out.key = "git:" + *commit;
    out.summary = fmt::format("configuration {} {} = {}", git::urlWithoutCredentials(config.url),
                              ref, *commit);
    out.hook_id = config.id;
    return out;
}

}  // namespace vq::server
