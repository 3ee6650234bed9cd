// The manifest's change counter: waits end on a tick, on a count the agent did not see,
// on close, or after their timeout.

#include "server/change_clock.h"

#include <thread>

#include <gtest/gtest.h>

namespace vq::server {
namespace {

using std::chrono::milliseconds;

TEST(ChangeClock, AWaitEndsOnATickOrAnUnknownCount) {
    ChangeClock clock;
    const uint64_t start = clock.now();
    EXPECT_NE(start, 0u);
    // Nothing changes: the wait lasts its timeout.
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(clock.waitPast(start, milliseconds(50)), start);
    EXPECT_GE(std::chrono::steady_clock::now() - t0, milliseconds(45));
    // A count from another life of the server: at once.
    EXPECT_EQ(clock.waitPast(start + 100, std::chrono::hours(1)), start);
    // A tick from another thread ends a long wait.
    std::thread ticker([&] {
        std::this_thread::sleep_for(milliseconds(20));
        clock.tick();
    });
    EXPECT_EQ(clock.waitPast(start, std::chrono::hours(1)), start + 1);
    ticker.join();
}

TEST(ChangeClock, CloseEndsEveryWait) {
    ChangeClock clock;
    std::thread closer([&] {
        std::this_thread::sleep_for(milliseconds(20));
        clock.close();
    });
    EXPECT_EQ(clock.waitPast(clock.now(), std::chrono::hours(1)), clock.now());
    closer.join();
    EXPECT_EQ(clock.waitPast(clock.now(), std::chrono::hours(1)), clock.now());
}

}  // namespace
}  // namespace vq::server
