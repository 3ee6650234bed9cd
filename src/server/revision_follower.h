#pragma once
// Hands revisions to a slow consumer (the state engine planning the rollout of a large site
// takes seconds) on a thread of its own, so whoever publishes a revision (the SoT watcher)
// is free at once to notice and load the next change. Revisions are handled in order, and
// when several wait only the newest is: a revision superseded before it was planned is never
// rolled out, as the plan from the last one handled to the newest covers both changes.
// Until start(), push() handles the revision on the caller's thread (a server still opening
// plans its first revision before it serves).

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "control/links.h"

namespace vq::server {

class RevisionFollower {
public:
    using Handle = std::function<void(const control::RevisionPtr&)>;

    explicit RevisionFollower(Handle handle);
    ~RevisionFollower();
    RevisionFollower(const RevisionFollower&) = delete;
    RevisionFollower& operator=(const RevisionFollower&) = delete;

    void push(control::RevisionPtr rev);
    void start();
    // Handles what is still waiting, then stops the thread; push() handles inline again.
    void stop();
    // Blocks until every revision pushed so far is handled (tests, shutdown).
    void drain();

private:
    void run();

    Handle handle_;
    std::mutex mu_;
    std::condition_variable changed_;
    control::RevisionPtr waiting_;
    bool busy_ = false;
    bool running_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace vq::server
