#include "server/dir_change_notifier.h"

#include <cstdint>
#include <system_error>

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

namespace vq::server {
namespace fs = std::filesystem;

namespace {

constexpr uint32_t kEvents = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM |
                             IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;
constexpr size_t kMaxDirs = 10'000;

}  // namespace

DirChangeNotifier::DirChangeNotifier(fs::path root) : root_(std::move(root)) {
    inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (inotify_fd_ >= 0)
        watchTree();
}

DirChangeNotifier::~DirChangeNotifier() {
    if (inotify_fd_ >= 0)
        ::close(inotify_fd_);
    if (wake_fd_ >= 0)
        ::close(wake_fd_);
}

void DirChangeNotifier::watchTree() {
    // Adding a watch twice returns the same one, so a rescan only adds new directories.
    (void)inotify_add_watch(inotify_fd_, root_.c_str(), kEvents);
    std::error_code ec;
    fs::recursive_directory_iterator it(root_, fs::directory_options::skip_permission_denied, ec);
    size_t dirs = 0;
    for (; !ec && it != fs::recursive_directory_iterator() && dirs < kMaxDirs; it.increment(ec)) {
        std::error_code e2;
        if (it->is_directory(e2)) {
            ++dirs;
            (void)inotify_add_watch(inotify_fd_, it->path().c_str(), kEvents);
        }
    }
}

bool DirChangeNotifier::drain() {
    alignas(inotify_event) char buf[16 * 1024];
    bool any = false;
    for (int i = 0; i < 64; ++i) {
        const ssize_t n = ::read(inotify_fd_, buf, sizeof buf);
        if (n <= 0)
            break;
        any = true;
    }
    return any;
}

void DirChangeNotifier::wake() {
    if (wake_fd_ >= 0) {
        const uint64_t one = 1;
        (void)!::write(wake_fd_, &one, sizeof one);
    }
}

DirChangeNotifier::Wake DirChangeNotifier::wait(std::chrono::milliseconds timeout,
                                                std::chrono::milliseconds quiet,
                                                std::chrono::milliseconds settle_max) {
    auto pollFor = [&](std::chrono::milliseconds ms) -> Wake {
        pollfd fds[2] = {{inotify_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
        const int n = ::poll(fds, 2, static_cast<int>(ms.count()));
        if (n <= 0)
            return Wake::Timeout;
        if (fds[1].revents != 0) {
            uint64_t v = 0;
            (void)!::read(wake_fd_, &v, sizeof v);
            return Wake::Woken;
        }
        return drain() ? Wake::Changed : Wake::Timeout;
    };
    if (inotify_fd_ < 0) {
        // Without inotify: only wake() ends the wait early.
        pollfd fd{wake_fd_, POLLIN, 0};
        if (::poll(&fd, 1, static_cast<int>(timeout.count())) > 0) {
            uint64_t v = 0;
            (void)!::read(wake_fd_, &v, sizeof v);
            return Wake::Woken;
        }
        return Wake::Timeout;
    }
    const Wake first = pollFor(timeout);
    if (first != Wake::Changed)
        return first;
    const auto deadline = std::chrono::steady_clock::now() + settle_max;
    while (std::chrono::steady_clock::now() < deadline) {
        const Wake w = pollFor(quiet);
        if (w == Wake::Woken)
            return w;
        if (w == Wake::Timeout)
            break;
    }
    watchTree();  // directories made by the change
    return Wake::Changed;
}

}  // namespace vq::server
