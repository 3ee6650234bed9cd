#include "container/process.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace vq::container {
namespace {

using Clock = std::chrono::steady_clock;

int waitFor(pid_t pid, int* status, bool block) {
    for (;;) {
        const pid_t r = ::waitpid(pid, status, block ? 0 : WNOHANG);
        if (r >= 0 || errno != EINTR)
            return static_cast<int>(r);
    }
}

// Keeps what fits under the limit and remembers that something was cut.
void keepOutput(ProcessResult& result, const char* data, size_t size, size_t limit) {
    const size_t room = limit - std::min(limit, result.output.size());
    result.output.append(data, std::min(room, size));
    if (size > room)
        result.truncated = true;
}

}  // namespace

std::string findInPath(const std::string& program) {
    if (program.empty())
        return {};
    if (program.find('/') != std::string::npos)
        return ::access(program.c_str(), X_OK) == 0 ? program : std::string();
    const char* path = std::getenv("PATH");
    std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
    size_t start = 0;
    while (start <= dirs.size()) {
        size_t end = dirs.find(':', start);
        if (end == std::string::npos)
            end = dirs.size();
        std::string dir = dirs.substr(start, end - start);
        if (!dir.empty()) {
            std::string candidate = dir + "/" + program;
            if (::access(candidate.c_str(), X_OK) == 0)
                return candidate;
        }
        start = end + 1;
    }
    return {};
}

Result<ProcessResult> runProcess(const std::vector<std::string>& argv,
                                 const ProcessLimits& limits) {
    if (argv.empty())
        return Status::invalidArgument("no program to run");
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return Status::unavailable(fmt::format("pipe: {}", std::strerror(errno)));

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Its own process group, so a timeout ends everything it started; default signal
    // handling and an empty mask, whatever the caller blocks (standalone blocks SIGTERM).
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(
        &attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    const auto started = Clock::now();
    const int rc = ::posix_spawn(&pid, argv[0].c_str(), &actions, &attr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(fds[1]);
    if (rc != 0) {
        ::close(fds[0]);
        return Status::notFound(fmt::format("cannot run {}: {}", argv[0], std::strerror(rc)));
    }

    ProcessResult result;
    const auto deadline = started + limits.timeout;
    auto kill_at = Clock::time_point::max();
    bool open = true;
    char buf[4096];
    int status = 0;
    bool reaped = false;
    // Bounded: every turn either reads, waits at most until the next deadline, or ends.
    for (int turn = 0; turn < 10'000'000 && !reaped; ++turn) {
        const auto now = Clock::now();
        if (!result.timed_out && now >= deadline) {
            result.timed_out = true;
            ::kill(-pid, SIGTERM);
            kill_at = now + limits.kill_grace;
        }
        if (result.timed_out && now >= kill_at) {
            ::kill(-pid, SIGKILL);
            kill_at = Clock::time_point::max();
        }
        const auto next = result.timed_out ? kill_at : deadline;
        const auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(next - now);
        const int timeout_ms =
            next == Clock::time_point::max()
                ? 100
                : static_cast<int>(std::clamp<long long>(wait_ms.count(), 0, 100));
        if (open) {
            pollfd p{fds[0], POLLIN, 0};
            const int n = ::poll(&p, 1, timeout_ms);
            if (n > 0) {
                const ssize_t got = ::read(fds[0], buf, sizeof buf);
                if (got > 0) {
                    keepOutput(result, buf, static_cast<size_t>(got), limits.output_limit);
                } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
                    open = false;
                }
            }
        } else {
            ::usleep(static_cast<useconds_t>(std::min(timeout_ms, 20)) * 1000);
        }
        reaped = waitFor(pid, &status, false) == pid;
    }
    // What it wrote just before it exited (bounded: a descendant may keep writing).
    for (int i = 0; i < 256 && open; ++i) {
        pollfd p{fds[0], POLLIN, 0};
        if (::poll(&p, 1, 0) <= 0)
            break;
        const ssize_t got = ::read(fds[0], buf, sizeof buf);
        if (got <= 0)
            break;
        keepOutput(result, buf, static_cast<size_t>(got), limits.output_limit);
    }
    if (!reaped) {
        ::kill(-pid, SIGKILL);
        waitFor(pid, &status, true);
    }
    ::close(fds[0]);
    result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    if (WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.signal = WTERMSIG(status);
    }
    return result;
}

}  // namespace vq::container
