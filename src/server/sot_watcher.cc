#include "server/sot_watcher.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>
#include <sys/stat.h>

#include "base/log.h"
#include "model/shared_definitions.h"

namespace vq::server {
namespace fs = std::filesystem;

SotWatcher::SotWatcher(fs::path root,
                       model::LoadOptions options,
                       control::ModelHolder& holder,
                       std::chrono::milliseconds interval,
                       Accept accept,
                       OnSwap on_swap,
                       model::ParsedSotCache* cache,
                       std::chrono::milliseconds settle,
                       fs::path definitions,
                       model::FetchDefinitions fetch,
                       const model::FetchedDefinitions& first_fetched)
    : root_(std::move(root)),
      definitions_(std::move(definitions)),
      fetch_(std::move(fetch)),
      taken_{{}, first_fetched.key, first_fetched.summary, first_fetched.hook_id},
      options_(std::move(options)),
      holder_(holder),
      interval_(interval),
      accept_(std::move(accept)),
      on_swap_(std::move(on_swap)),
      cache_(cache),
      settle_(settle) {
    loaded_fingerprint_ = holder_.get() ? currentFingerprint() : std::string();
}

std::string SotWatcher::currentFingerprint() const {
    std::string fp = fingerprint(root_);
    if (!definitions_.empty())
        fp += "== definitions " + definitions_.string() + "\n" + fingerprint(definitions_);
    if (!taken_.key.empty())
        fp += "== configuration " + taken_.key + "\n";
    return fp;
}

std::string SotWatcher::configHook() const {
    std::lock_guard lock(mu_);
    return taken_.hook_id;
}

GitSotAttempt SotWatcher::reloadNow(const std::string& trigger) {
    GitSotAttempt attempt;
    attempt.trigger = trigger;
    attempt.at = std::chrono::system_clock::now();
    std::lock_guard lock(poll_mu_);
    switch (poll(true, attempt.reason)) {
        case Polled::accepted:
            attempt.outcome = GitSotAttempt::Outcome::accepted;
            break;
        case Polled::unchanged:
            attempt.outcome = GitSotAttempt::Outcome::unchanged;
            break;
        case Polled::refused:
            attempt.outcome = GitSotAttempt::Outcome::refused;
            break;
        case Polled::deferred:  // the directory is being written: the next poll takes it
            attempt.outcome = GitSotAttempt::Outcome::unchanged;
            attempt.reason = "the SoT directory is changing; it is loaded once it holds still";
            break;
    }
    attempt.config = taken_.summary;  // as a git SoT reports it
    return attempt;
}

SotWatcher::~SotWatcher() {
    stop();
}

std::string SotWatcher::fingerprint(const fs::path& root) {
    std::vector<std::string> lines;
    std::error_code ec;
    fs::recursive_directory_iterator it(root, fs::directory_options::follow_directory_symlink, ec);
    if (ec)
        return "unreadable:" + ec.message();
    // Bounded: a SoT with more entries than this is not a SoT.
    for (size_t n = 0; it != fs::recursive_directory_iterator() && n < 1'000'000; ++n) {
        const auto& entry = *it;
        std::error_code e2;
        struct stat st {};
        if (entry.is_regular_file(e2) && ::stat(entry.path().c_str(), &st) == 0) {
            // The inode catches a file renamed into place; timestamps only tick every few
            // milliseconds, so two same-sized writes in one tick would otherwise look alike.
            lines.push_back(fmt::format(
                "{}|{}|{}|{}.{}|{}.{}", entry.path().string(),
                static_cast<unsigned long long>(st.st_ino), static_cast<long long>(st.st_size),
                static_cast<long long>(st.st_mtim.tv_sec), st.st_mtim.tv_nsec,
                static_cast<long long>(st.st_ctim.tv_sec), st.st_ctim.tv_nsec));
        }
        it.increment(ec);
        if (ec)
            return "unreadable:" + ec.message();
    }
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (const auto& l : lines) {
        out += l;
        out += '\n';
    }
    return out;
}

bool SotWatcher::pollOnce() {
    std::lock_guard lock(poll_mu_);
    std::string reason;
    return poll(false, reason) == Polled::accepted;
}

SotWatcher::Polled SotWatcher::poll(bool force, std::string& reason) {
    settling_ = false;
    const std::string fp = currentFingerprint();
    if (!force && (fp == loaded_fingerprint_ || fp == rejected_fingerprint_))
        return Polled::unchanged;
    if (!force && settle_.count() > 0) {
        const auto now = std::chrono::steady_clock::now();
        if (fp != settling_fingerprint_) {
            settling_fingerprint_ = fp;
            settling_since_ = now;
            settling_ = true;
            return Polled::deferred;
        }
        if (now - settling_since_ < settle_) {
            settling_ = true;
            return Polled::deferred;
        }
    }
    const auto started = std::chrono::steady_clock::now();
    auto msSince = [](std::chrono::steady_clock::time_point t) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - t)
            .count();
    };
    model::LocalSotLoad loaded = model::loadLocalSot(root_, options_, cache_, fetch_);
    const auto read_ms = msSince(started);
    if (currentFingerprint() != fp) {
        VQ_LOG_WARN("SOT_RELOAD_DEFERRED root={} reason=\"changed while being read\"",
                    root_.string());
        settling_ = true;
        return Polled::deferred;
    }
    if (loaded.definitions != definitions_) {
        // Another configuration directory: watched from now on, the load judged below.
        definitions_ = loaded.definitions;
        VQ_LOG_INFO("SOT_CONFIG root={} definitions={}", root_.string(),
                    definitions_.empty() ? std::string("the SoT's own") : definitions_.string());
    }
    if (!loaded.ignored.empty())
        VQ_LOG_WARN("SOT_CONFIG_IGNORED root={} reason=\"{}\"", root_.string(), loaded.ignored);
    if (loaded.fetched.key != taken_.key && !loaded.fetched.key.empty())
        VQ_LOG_INFO("SOT_CONFIG root={} {}", root_.string(), loaded.fetched.summary);
    if (!loaded.result.io_failure) {  // an unreadable load keeps what was taken
        std::lock_guard lock(mu_);
        taken_ = std::move(loaded.fetched);
    }
    const std::string loaded_fp = currentFingerprint();
    if (force && loaded_fp == loaded_fingerprint_)
        return Polled::unchanged;
    model::LoadResult& result = loaded.result;
    const std::vector<model::SotFile>& files = loaded.files;
    std::string refusal;
    if (result.io_failure || !result.model) {
        refusal = "cannot read " + root_.string();
        for (const auto& d : result.diagnostics)
            refusal += ": " + d.message;
    } else if (result.hasErrors()) {
        for (const auto& d : result.diagnostics) {
            if (d.severity == model::Severity::Error) {
                VQ_LOG_ERROR("SOT_INVALID root={} {}", root_.string(), d.toString());
            }
        }
        refusal = fmt::format("{} error(s)", result.errorCount());
    } else if (accept_) {
        refusal = accept_(*result.model);
    }
    if (!refusal.empty()) {
        VQ_LOG_ERROR("SOT_RELOAD_REJECTED root={} reason=\"{}\" keeping=last-good-model",
                     root_.string(), refusal);
        rejected_fingerprint_ = loaded_fp;
        reason = refusal;
        return Polled::refused;
    }
    holder_.set(result.model);
    loaded_fingerprint_ = loaded_fp;
    rejected_fingerprint_.clear();
    VQ_LOG_INFO("SOT_RELOADED root={} hosts={} warnings={} read_ms={} load_ms={}", root_.string(),
                result.model->hostCount(), result.warningCount(), read_ms,
                msSince(started) - read_ms);
    if (on_swap_ && !on_swap_(result.model, files)) {
        VQ_LOG_WARN("SOT_RELOAD_NOT_TAKEN root={} retry=next-poll", root_.string());
        loaded_fingerprint_.clear();
        reason = "its revision number could not be stored";
        return Polled::refused;
    }
    return Polled::accepted;
}

void SotWatcher::start() {
    notifier_ = std::make_unique<DirChangeNotifier>(root_);
    if (!notifier_->watching())
        VQ_LOG_WARN("SOT_NOT_WATCHED root={} reason=\"no inotify\" poll_ms={}", root_.string(),
                    interval_.count());
    thread_ = std::thread([this] { run(); });
}

void SotWatcher::stop() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    if (notifier_)
        notifier_->wake();
    if (thread_.joinable())
        thread_.join();
}

bool SotWatcher::stopping() {
    std::lock_guard lock(mu_);
    return stop_;
}

void SotWatcher::run() {
    while (!stopping()) {
        // A change ends the wait at once; the timeout is the poll of old.
        // A change put off to settle is looked at again as soon as it may have settled.
        const auto wait =
            settling_ && settle_.count() > 0 ? std::min(interval_, settle_) : interval_;
        if (notifier_->wait(wait) == DirChangeNotifier::Wake::Woken || stopping())
            break;
        try {
            pollOnce();
        } catch (const std::exception& e) {
            VQ_LOG_ERROR("SOT_RELOAD_FAILED root={} error={}", root_.string(), e.what());
        }
    }
}

}  // namespace vq::server
