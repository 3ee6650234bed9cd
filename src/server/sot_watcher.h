#pragma once
// Re-reads a local SoT directory as soon as it changes (inotify), and every PollInterval in
// case a change went unnoticed. A change that loads without errors replaces the model
// (ModelHolder::set, atomic for readers); a change with errors keeps the last good model and
// logs every error. Unchanged directories (same names, sizes and modification times) are not
// re-read, and of a changed one only the files whose bytes changed are parsed again (the
// parse cache, shared with the server's first load).

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "control/model_holder.h"

#include "model/load.h"
#include "server/dir_change_notifier.h"

namespace vq::server {

class SotWatcher {
public:
    // Decides whether a loaded model is acceptable (returns an error message otherwise).
    using Accept = std::function<std::string(const model::Model&)>;
    // Called after a successful swap (to publish it as a revision); false when it could not
    // be taken (its revision number could not be stored): the next poll loads it again.
    using OnSwap = std::function<bool(const std::shared_ptr<const model::Model>&)>;

    SotWatcher(std::filesystem::path root,
               model::LoadOptions options,
               control::ModelHolder& holder,
               std::chrono::milliseconds interval,
               Accept accept = {},
               OnSwap on_swap = {},
               model::ParsedSotCache* cache = nullptr);
    ~SotWatcher();

    // One poll now (tests); true when the model was replaced.
    bool pollOnce();
    void start();
    void stop();

    // The fingerprint of what is loaded, exposed for tests.
    static std::string fingerprint(const std::filesystem::path& root);

private:
    void run();
    bool stopping();

    std::filesystem::path root_;
    model::LoadOptions options_;
    control::ModelHolder& holder_;
    std::chrono::milliseconds interval_;
    Accept accept_;
    OnSwap on_swap_;
    model::ParsedSotCache* cache_;
    std::string loaded_fingerprint_;
    std::string rejected_fingerprint_;
    std::mutex mu_;
    bool stop_ = false;
    std::unique_ptr<DirChangeNotifier> notifier_;
    std::thread thread_;
};

}  // namespace vq::server
