#include "server/sot_watcher.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "base/log.h"

namespace vq::server {
namespace fs = std::filesystem;

SotWatcher::SotWatcher(fs::path root,
                       model::LoadOptions options,
                       control::ModelHolder& holder,
                       std::chrono::milliseconds interval,
                       Accept accept,
                       OnSwap on_swap,
                       model::ParsedSotCache* cache)
    : root_(std::move(root)),
      options_(std::move(options)),
      holder_(holder),
      interval_(interval),
      accept_(std::move(accept)),
      on_swap_(std::move(on_swap)),
      cache_(cache) {
    loaded_fingerprint_ = holder_.get() ? fingerprint(root_) : std::string();
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
        if (entry.is_regular_file(e2)) {
            const auto size = entry.file_size(e2);
            const auto mtime = entry.last_write_time(e2).time_since_epoch().count();
            lines.push_back(fmt::format("{}|{}|{}", entry.path().string(), size,
                                        static_cast<long long>(mtime)));
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
    const std::string fp = fingerprint(root_);
    if (fp == loaded_fingerprint_ || fp == rejected_fingerprint_)
        return false;
    auto result = model::loadSot(root_, options_, cache_);
    std::string refusal;
    if (result.io_failure || !result.model) {
        refusal = "cannot read " + root_.string();
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
        rejected_fingerprint_ = fp;
        return false;
    }
    holder_.set(result.model);
    loaded_fingerprint_ = fp;
    rejected_fingerprint_.clear();
    VQ_LOG_INFO("SOT_RELOADED root={} hosts={} warnings={}", root_.string(),
                result.model->hostCount(), result.warningCount());
    if (on_swap_ && !on_swap_(result.model)) {
        VQ_LOG_WARN("SOT_RELOAD_NOT_TAKEN root={} retry=next-poll", root_.string());
        loaded_fingerprint_.clear();
        return false;
    }
    return true;
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
        if (notifier_->wait(interval_) == DirChangeNotifier::Wake::Woken || stopping())
            break;
        try {
            pollOnce();
        } catch (const std::exception& e) {
            VQ_LOG_ERROR("SOT_RELOAD_FAILED root={} error={}", root_.string(), e.what());
        }
    }
}

}  // namespace vq::server
