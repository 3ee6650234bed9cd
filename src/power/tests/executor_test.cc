#include "power/executor.h"

#include <atomic>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

namespace vq::power {
namespace {

using namespace std::chrono_literals;

struct Gauge {
    std::atomic<int> now{0}, peak{0};
    void enter() {
        const int n = ++now;
        int p = peak.load();
        while (n > p && !peak.compare_exchange_weak(p, n)) {
        }
    }
    void leave() { --now; }
};

std::vector<PowerJob> sleepingJobs(int count, Gauge& g, std::chrono::milliseconds each = 5ms) {
    std::vector<PowerJob> jobs;
    for (int i = 0; i < count; ++i) {
        jobs.push_back({"h" + std::to_string(i), [&g, i, each]() -> Result<std::string> {
                            g.enter();
                            std::this_thread::sleep_for(each);
                            g.leave();
                            return "done " + std::to_string(i);
                        }});
    }
    return jobs;
}

TEST(PowerExecutorTest, NeverExceedsParallelismAndKeepsOrder) {
    Gauge g;
    auto results = runConcurrently(sleepingJobs(40, g), 4);
    ASSERT_EQ(results.size(), 40u);
    EXPECT_LE(g.peak.load(), 4);
    EXPECT_GE(g.peak.load(), 2);  // it did run in parallel
    for (int i = 0; i < 40; ++i) {
        EXPECT_EQ(results[i].host, "h" + std::to_string(i));
        EXPECT_TRUE(results[i].status.isOk());
        EXPECT_EQ(results[i].summary, "done " + std::to_string(i));
        EXPECT_GE(results[i].duration, 5ms);
    }
}

TEST(PowerExecutorTest, ZeroParallelismRunsOneAtATime) {
    Gauge g;
    auto results = runConcurrently(sleepingJobs(5, g), 0);
    EXPECT_EQ(results.size(), 5u);
    EXPECT_EQ(g.peak.load(), 1);
}

TEST(PowerExecutorTest, ParallelRunIsFasterThanSerial) {
    Gauge g;
    const auto start = std::chrono::steady_clock::now();
    runConcurrently(sleepingJobs(64, g, 20ms), 64);
    // 64 jobs of 20 ms take 1280 ms one after the other; half of that leaves room for a
    // loaded machine.
    EXPECT_LT(std::chrono::steady_clock::now() - start, 640ms);
}

TEST(PowerExecutorTest, FailuresAndExceptionsStayWithTheirHost) {
    std::vector<PowerJob> jobs;
    jobs.push_back({"ok", [] { return Result<std::string>(std::string("fine")); }});
    jobs.push_back({"bad", [] { return Result<std::string>::error("host bad: no answer"); }});
    jobs.push_back({"throws", []() -> Result<std::string> { throw std::runtime_error("boom"); }});
    jobs.push_back({"empty", nullptr});
    auto results = runConcurrently(std::move(jobs), 2);
    ASSERT_EQ(results.size(), 4u);
    EXPECT_TRUE(results[0].status.isOk());
    EXPECT_EQ(results[1].status.message(), "host bad: no answer");
    EXPECT_FALSE(results[2].status.isOk());
    EXPECT_NE(results[2].status.message().find("throws"), std::string::npos);
    EXPECT_FALSE(results[3].status.isOk());
}

TEST(PowerExecutorTest, NoJobsNoResults) {
    EXPECT_TRUE(runConcurrently({}, 64).empty());
}

}  // namespace
}  // namespace vq::power
