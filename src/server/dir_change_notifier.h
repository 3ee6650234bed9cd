#pragma once
// Tells when anything under a directory tree changes (Linux inotify), so that a local SoT is
// reloaded as soon as it is written rather than at the next poll. Waits end early on a
// change or on wake(); callers keep polling on timeouts, so a tree inotify cannot follow
// (too many directories, a network file system) is still seen, only later.

#include <chrono>
#include <filesystem>

namespace vq::server {

class DirChangeNotifier {
public:
    explicit DirChangeNotifier(std::filesystem::path root);
    ~DirChangeNotifier();
    DirChangeNotifier(const DirChangeNotifier&) = delete;
    DirChangeNotifier& operator=(const DirChangeNotifier&) = delete;

    // False when inotify is not available (the caller just polls).
    bool watching() const { return inotify_fd_ >= 0; }

    enum class Wake { Changed, Timeout, Woken };
    // Waits up to `timeout` for a change. After one, waits for the writes to settle (no
    // event for `quiet`, at most `settle_max`) so that a load sees whole files.
    Wake wait(std::chrono::milliseconds timeout,
              std::chrono::milliseconds quiet = std::chrono::milliseconds(20),
              std::chrono::milliseconds settle_max = std::chrono::milliseconds(300));
    // Ends a wait() in progress (or the next one) with Woken; from any thread.
    void wake();

private:
    // Watches every directory of the tree (new ones appear with changes); bounded.
    void watchTree();
    // Reads pending events; true when there were any.
    bool drain();

    std::filesystem::path root_;
    int inotify_fd_ = -1;
    int wake_fd_ = -1;  // an eventfd
};

}  // namespace vq::server
