#pragma once
// Re-reads a local SoT directory every PollInterval. A change that loads without errors
// replaces the model (ModelHolder::set, atomic for readers); a change with errors keeps the
// last good model and logs every error. Unchanged directories (same names, sizes and
// modification times) are not re-parsed. A directory that changes while it is being read
// (an editor or a sync tool half-way through) is not judged at all: the torn read is dropped
// and the next poll reads it again. And a change is loaded only once it has held still for
// `settle` (a file truncated and not yet rewritten is a valid, empty, inventory): measured on
// the steady clock, between polls that see the same fingerprint.

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

namespace vq::server {

class SotWatcher {
public:
    // Called after a successful swap (e.g. to refresh the timeline's address map); also
    // decides whether a loaded model is acceptable (returns an error message otherwise).
    using Accept = std::function<std::string(const model::Model&)>;
    // Also given the files the model was loaded from (one read of the directory: what is
    // stored as the revision must be what was validated).
    using OnSwap = std::function<void(const std::shared_ptr<const model::Model>&,
                                      const std::vector<model::SotFile>&)>;

    SotWatcher(std::filesystem::path root,
               model::LoadOptions options,
               control::ModelHolder& holder,
               std::chrono::milliseconds interval,
               Accept accept = {},
               OnSwap on_swap = {},
               std::chrono::milliseconds settle = std::chrono::milliseconds(0));
    ~SotWatcher();

    // One poll now (tests); true when the model was replaced.
    bool pollOnce();
    void start();
    void stop();

    // The fingerprint of what is loaded, exposed for tests.
    static std::string fingerprint(const std::filesystem::path& root);

private:
    void run();

    std::filesystem::path root_;
    model::LoadOptions options_;
    control::ModelHolder& holder_;
    std::chrono::milliseconds interval_;
    Accept accept_;
    OnSwap on_swap_;
    std::string loaded_fingerprint_;
    std::string rejected_fingerprint_;
    std::chrono::milliseconds settle_;
    std::string settling_fingerprint_;  // a change seen, not yet loaded
    std::chrono::steady_clock::time_point settling_since_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace vq::server
