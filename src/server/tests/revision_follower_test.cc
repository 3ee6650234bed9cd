#include "server/revision_follower.h"

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace vq::server {
namespace {

control::RevisionPtr rev(uint64_t n) {
    auto r = std::make_shared<control::ModelRevision>();
    r->number = n;
    return r;
}

TEST(RevisionFollower, BeforeStartARevisionIsHandledOnTheCallersThread) {
    std::thread::id handled_on;
    RevisionFollower follower(
        [&](const control::RevisionPtr&) { handled_on = std::this_thread::get_id(); });
    follower.push(rev(1));
    EXPECT_EQ(handled_on, std::this_thread::get_id());
}

TEST(RevisionFollower, OnceStartedRevisionsAreHandledInOrderAndOnlyTheNewestOfThoseWaiting) {
    std::mutex mu;
    std::vector<uint64_t> handled;
    std::thread::id handled_on;
    std::atomic<bool> hold{true}, started{false};
    RevisionFollower follower([&](const control::RevisionPtr& r) {
        started = true;
        while (r->number == 1 && hold.load())
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        std::lock_guard lock(mu);
        handled.push_back(r->number);
        handled_on = std::this_thread::get_id();
    });
    follower.start();
    follower.push(rev(1));
    // 1 is being handled (held); 2 and 3 wait, and 3 supersedes 2.
    for (int i = 0; i < 5000 && !started.load(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (!started.load())
        hold = false;  // lets the follower stop
    ASSERT_TRUE(started.load());
    follower.push(rev(2));
    follower.push(rev(3));
    hold = false;
    follower.drain();
    std::lock_guard lock(mu);
    EXPECT_EQ(handled, (std::vector<uint64_t>{1, 3}));
    EXPECT_NE(handled_on, std::this_thread::get_id());
}

TEST(RevisionFollower, StopHandlesWhatWaits) {
    std::atomic<uint64_t> last{0};
    RevisionFollower follower([&](const control::RevisionPtr& r) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        last = r->number;
    });
    follower.start();
    follower.push(rev(1));
    follower.push(rev(2));
    follower.stop();
    EXPECT_EQ(last.load(), 2u);
}

}  // namespace
}  // namespace vq::server
