#include "server/git_sot_source.h"

#include <algorithm>
#include <cctype>
#include <fstream>

#include "git/mirror.h"
#include "git/tree_files.h"
#include "git/url_redaction.h"
#include <fmt/format.h>

#include "base/file_set.h"
#include "base/log.h"
#include "model/shared_definitions.h"
#include "server/config_repos.h"

namespace vq::server {
namespace fs = std::filesystem;
namespace {

// Errors kept for the status (all of them go to the log).
constexpr size_t kKeptErrors = 200;

std::string shortCommit(const std::string& commit) {
    return commit.substr(0, 12);
}

// The commit last served survives restarts in <dir>/served-commit: a server whose branch
// head is broken (or whose remote is down) at start-up serves it again.
std::string readServedCommit(const fs::path& dir) {
    std::ifstream in(dir / "served-commit");
    std::string commit;
    in >> commit;
    const bool valid = commit.size() == 40 && std::all_of(commit.begin(), commit.end(), [](char c) {
                           return std::isxdigit(static_cast<unsigned char>(c)) != 0;
                       });
    return valid ? commit : std::string();
}

void writeServedCommit(const fs::path& dir, const std::string& commit) {
    if (Status st = replaceFile(dir / "served-commit", commit + "\n"); !st)
        VQ_LOG_WARN("SOT_STATE_NOT_SAVED file={} reason=\"{}\"", (dir / "served-commit").string(),
                    st.message());
}

}  // namespace

std::string_view toString(GitSotAttempt::Outcome outcome) {
    switch (outcome) {
        case GitSotAttempt::Outcome::accepted:
            return "accepted";
        case GitSotAttempt::Outcome::unchanged:
            return "unchanged";
        case GitSotAttempt::Outcome::refused:
            return "refused";
        case GitSotAttempt::Outcome::fetch_failed:
            return "fetch_failed";
    }
    return "unknown";
}

GitSotSource::GitSotSource(SotSourceConfig sot,
                           GitHookConfig hook,
                           fs::path dir,
                           Options options,
                           std::unique_ptr<git::Mirror> mirror)
    : sot_(std::move(sot)),
      hook_(std::move(hook)),
      dir_(std::move(dir)),
      options_(std::move(options)),
      mirror_(std::move(mirror)),
      config_repos_(std::make_unique<ConfigRepos>(
          dir_ / "config", options_.hooks, sot_.branch, options_.fetch_deadline)) {}

GitSotSource::~GitSotSource() = default;

Result<std::unique_ptr<GitSotSource>> GitSotSource::open(SotSourceConfig sot,
                                                         GitHookConfig hook,
                                                         const std::string& save_path,
                                                         Options options) {
    const fs::path dir = fs::path(save_path) / "git" / sot.id;
    git::RemoteSpec remote;
    remote.url = hook.url;
    remote.token = hook.token;
    remote.deadline = options.fetch_deadline;
    auto mirror = git::Mirror::open(dir / "mirror.git", remote);
    if (!mirror)
        return mirror.status().prefixed("SoT " + sot.id);
    return std::unique_ptr<GitSotSource>(new GitSotSource(std::move(sot), std::move(hook), dir,
                                                          std::move(options), std::move(*mirror)));
}

void GitSotSource::onAccepted(OnAccepted fn) {
    std::lock_guard lock(mu_);
    on_accepted_ = std::move(fn);
}

std::string GitSotSource::servedCommit() const {
    std::lock_guard lock(mu_);
    return served_commit_;
}

GitSotAttempt GitSotSource::lastAttempt() const {
    std::lock_guard lock(mu_);
    return last_;
}

bool GitSotSource::follows(const std::string& hook_id) const {
    if (hook_id == hook_.id)
        return true;
    std::lock_guard lock(mu_);
    return !config_hook_.empty() && config_hook_ == hook_id;
}

void GitSotSource::record(const GitSotAttempt& attempt) {
    std::lock_guard lock(mu_);
    last_ = attempt;
}

std::shared_ptr<const model::Model> GitSotSource::load(const std::string& commit,
                                                       GitSotAttempt& attempt,
                                                       std::string& key) {
    auto tree = git::readTree(*mirror_, commit);
    if (!tree) {
        attempt.outcome = GitSotAttempt::Outcome::fetch_failed;
        attempt.reason = tree.message();
        return nullptr;
    }
    std::vector<git::TreeFile> files = std::move(*tree);
    // The branch head says which sites want a release_tag (in their env.yml).
    auto result = model::loadSotFiles(files, options_.load, &parsed_);
    key = commit;
    bool overlaid = false;
    struct Pinned {
        std::string id, dir, release_tag;
    };
    std::vector<Pinned> pinned;
    if (result.model) {
        for (const auto& site : result.model->sites()) {
            if (!site.release_tag.empty() && !site.dir.empty())
                pinned.push_back({site.id, site.dir, site.release_tag});
        }
    }
    for (const auto& site : pinned) {
        const std::string prefix = "sites/" + site.dir;
        auto target = mirror_->resolveTagOrCommit(site.release_tag);
        auto site_files = target ? git::readTree(*mirror_, *target, prefix)
                                 : Result<std::vector<git::TreeFile>>(target.status());
        if (!site_files) {
            attempt.release_tags.push_back(
                fmt::format("site {}: release_tag {} not usable ({}), serving the branch head",
                            site.id, site.release_tag, site_files.message()));
            VQ_LOG_WARN(
                "SOT_RELEASE_TAG_MISSING sot={} site={} release_tag={} reason=\"{}\" "
                "serving=branch-head",
                sot_.id, site.id, site.release_tag, site_files.message());
            continue;
        }
        std::erase_if(files, [&](const git::TreeFile& f) {
            return f.path.compare(0, prefix.size() + 1, prefix + "/") == 0;
        });
        for (auto& f : *site_files)
            files.push_back(std::move(f));
        key += fmt::format("|{}={}", site.dir, *target);
        overlaid = true;
        attempt.release_tags.push_back(
            fmt::format("site {}: release_tag {} = {}", site.id, site.release_tag, *target));
        VQ_LOG_INFO("SOT_RELEASE_TAG sot={} site={} release_tag={} commit={}", sot_.id, site.id,
                    site.release_tag, *target);
    }
    std::sort(files.begin(), files.end(),
              [](const git::TreeFile& a, const git::TreeFile& b) { return a.path < b.path; });
    if (result.model) {
        auto config = config_repos_->take(*result.model);
        if (!config) {
            attempt.outcome = GitSotAttempt::Outcome::refused;
            attempt.reason = config.message();
            return nullptr;
        }
        std::string hook_id;
        if (*config) {
            files = model::withSharedDefinitions(std::move(files), (*config)->files);
            key += "|" + (*config)->key;
            overlaid = true;
            attempt.config = (*config)->summary;
            hook_id = (*config)->hook_id;
            VQ_LOG_INFO("SOT_CONFIG sot={} {}", sot_.id, attempt.config);
        }
        std::lock_guard lock(mu_);
        config_hook_ = hook_id;
    }
    const fs::path tree_dir = dir_ / "tree";
    if (Status st = git::writeTree(files, tree_dir); !st) {
        attempt.outcome = GitSotAttempt::Outcome::fetch_failed;
        attempt.reason = st.message();
        return nullptr;
    }
    if (overlaid)
        result = model::loadSot(tree_dir, options_.load, &parsed_);

    if (result.io_failure || !result.model) {
        attempt.outcome = GitSotAttempt::Outcome::fetch_failed;
        attempt.reason = "cannot read " + tree_dir.string();
        return nullptr;
    }
    if (result.hasErrors()) {
        for (const auto& d : result.diagnostics) {
            if (d.severity != model::Severity::Error)
                continue;
            VQ_LOG_ERROR("SOT_INVALID sot={} commit={} {}", sot_.id, shortCommit(commit),
                         d.toString());
            if (attempt.errors.size() < kKeptErrors)
                attempt.errors.push_back(d.toString());
        }
        attempt.outcome = GitSotAttempt::Outcome::refused;
        attempt.reason = fmt::format("{} error(s) in the SoT", result.errorCount());
        return nullptr;
    }
    if (options_.accept) {
        if (std::string refusal = options_.accept(*result.model); !refusal.empty()) {
            attempt.outcome = GitSotAttempt::Outcome::refused;
            attempt.reason = refusal;
            return nullptr;
        }
    }
    attempt.outcome = GitSotAttempt::Outcome::accepted;
    return result.model;
}

Result<GitSotSource::Loaded> GitSotSource::loadInitial() {
    std::lock_guard serial(refresh_mu_);
    GitSotAttempt attempt;
    attempt.trigger = "start-up";
    attempt.at = std::chrono::system_clock::now();
    const std::string last_served = readServedCommit(dir_);
    auto head = mirror_->fetch(sot_.branch);
    if (!head) {
        // The remote is down: the commit served before (else the last one fetched) still
        // makes a server.
        auto cached = last_served.empty() ? mirror_->fetchedHead(sot_.branch)
                                          : Result<std::string>(last_served);
        if (!cached) {
            attempt.reason = head.message();
            record(attempt);
            return head.status().prefixed("SoT " + sot_.id);
        }
        VQ_LOG_WARN("SOT_FETCH_FAILED sot={} reason=\"{}\" serving=last-known commit={}", sot_.id,
                    head.message(), shortCommit(*cached));
        head = std::move(cached);
    }
    attempt.commit = *head;
    std::string key;
    std::string commit = *head;
    auto model = load(commit, attempt, key);
    if (!model && attempt.outcome == GitSotAttempt::Outcome::refused && !last_served.empty() &&
        last_served != commit) {
        // A push refused before a restart must not keep the server down: the commit it
        // served serves again, and GET /sot shows the refused one.
        VQ_LOG_ERROR(
            "SOT_RELOAD_REJECTED sot={} commit={} reason=\"{}\" serving=last-served "
            "commit={}",
            sot_.id, shortCommit(commit), attempt.reason, shortCommit(last_served));
        GitSotAttempt fallback;
        if (auto m = load(last_served, fallback, key)) {
            model = std::move(m);
            commit = last_served;
        }
    }
    record(attempt);
    if (!model) {
        std::string message = fmt::format("SoT {} at {} of {}: {}", sot_.id, shortCommit(*head),
                                          git::urlWithoutCredentials(hook_.url), attempt.reason);
        for (const auto& e : attempt.errors)
            message += "\n  " + e;
        return Status::invalidArgument(message);
    }
    serve(key, commit);
    VQ_LOG_INFO("SOT_LOADED id={} url={} branch={} commit={} hosts={}", sot_.id,
                git::urlWithoutCredentials(hook_.url), sot_.branch, commit, model->hostCount());
    return Loaded{model, commit};
}

void GitSotSource::serve(const std::string& key, const std::string& commit) {
    {
        std::lock_guard lock(mu_);
        served_key_ = key;
        served_commit_ = commit;
    }
    writeServedCommit(dir_, commit);
}

GitSotAttempt GitSotSource::refresh(const std::string& trigger) {
    std::lock_guard serial(refresh_mu_);
    GitSotAttempt attempt;
    attempt.trigger = trigger;
    attempt.at = std::chrono::system_clock::now();
    auto head = mirror_->fetch(sot_.branch);
    if (!head) {
        attempt.reason = head.message();
        VQ_LOG_ERROR("SOT_FETCH_FAILED sot={} reason=\"{}\" keeping=last-good-model", sot_.id,
                     attempt.reason);
        record(attempt);
        return attempt;
    }
    attempt.commit = *head;
    std::string key;
    auto model = load(*head, attempt, key);
    if (!model) {
        VQ_LOG_ERROR("SOT_RELOAD_REJECTED sot={} commit={} reason=\"{}\" keeping=last-good-model",
                     sot_.id, shortCommit(*head), attempt.reason);
        record(attempt);
        return attempt;
    }
    OnAccepted publish;
    {
        std::lock_guard lock(mu_);
        if (key == served_key_) {
            attempt.outcome = GitSotAttempt::Outcome::unchanged;
        } else {
            publish = on_accepted_;
        }
        last_ = attempt;
    }
    if (attempt.outcome == GitSotAttempt::Outcome::accepted) {
        serve(key, *head);
        VQ_LOG_INFO("SOT_RELOADED sot={} commit={} hosts={}", sot_.id, *head, model->hostCount());
        if (publish)
            publish(Loaded{model, *head});
    }
    return attempt;
}

}  // namespace vq::server
