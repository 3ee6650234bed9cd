// The task queue with a simulated clock: a task is leased once and only to its site, a
// report ends it once (duplicates, strangers and other sites are ignored), and a task not
// taken or not reported in time fails with a reason. With a journal, a restarted queue
// (or the next HA leader's) never hands out again a task already leased or ended.
#include "server/task_queue.h"

#include <cstdint>
#include <filesystem>
#include <optional>

#include "etcd/testing/fake_etcd.h"
#include <gtest/gtest.h>

#include "server/etcd_task_journal.h"
#include "server/file_task_journal.h"

namespace vq::server {
namespace {

using namespace std::chrono_literals;

struct Outcome {
    int calls = 0;
    bool ok = false;
    std::string detail;
};

control::Task task(std::string id, std::string site, uint32_t timeout_s = 60) {
    control::Task t;
    t.id = std::move(id);
    t.site = std::move(site);
    t.host = "node1";
    t.kind = std::string(control::kPowerTask);
    t.args = R"({"driver":"ipmi","password":"s3cret"})";
    t.timeout_s = timeout_s;
    return t;
}

TaskQueue::Done record(Outcome& o) {
    return [&o](bool ok, std::string detail) {
        ++o.calls;
        o.ok = ok;
        o.detail = std::move(detail);
    };
}

TaskQueueOptions options() {
    TaskQueueOptions o;
    o.pickup_timeout = 60s;
    o.min_run_timeout = 1s;
    return o;
}

TEST(TaskQueue, LeasesOnceAndOnlyToItsSite) {
    SimulatedClock clock;
    TaskQueue q(options(), nullptr, clock);
    Outcome a, b;
    q.submit(task("t-a", "lab"), record(a));
    q.submit(task("t-b", "other"), record(b));
    auto none = q.lease("nowhere", "x", 10, 0ms);
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
    auto lab = q.lease("lab", "a1", 10, 0ms);
    ASSERT_TRUE(lab);
    ASSERT_EQ(lab->size(), 1u);
    EXPECT_EQ((*lab)[0].id, "t-a");
    EXPECT_EQ((*lab)[0].args, task("t-a", "lab").args) << "the task travels whole";
    auto again = q.lease("lab", "a2", 10, 0ms);
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->empty()) << "a leased task is offered to no one else";
    EXPECT_EQ(q.waiting(), 1u);
    EXPECT_EQ(q.leased(), 1u);
    // In-process, "" is every site.
    auto any = q.lease("", "local", 10, 0ms);
    ASSERT_TRUE(any);
    ASSERT_EQ(any->size(), 1u);
    EXPECT_EQ((*any)[0].id, "t-b");
}

TEST(TaskQueue, AReportEndsTheTaskOnceAndOnlyFromItsAgent) {
    SimulatedClock clock;
    TaskQueue q(options(), nullptr, clock);
    Outcome o;
    q.submit(task("t1", "lab"), record(o));
    ASSERT_EQ(q.lease("lab", "a1", 1, 0ms)->size(), 1u);
    // Another site's agent and another agent of the site are ignored.
    ASSERT_TRUE(q.complete("other", "b1", {{"t1", true, ""}}));
    ASSERT_TRUE(q.complete("lab", "a2", {{"t1", true, ""}}));
    EXPECT_EQ(o.calls, 0);
    ASSERT_TRUE(q.complete("lab", "a1", {{"t1", false, "BMC refused"}}));
    EXPECT_EQ(o.calls, 1);
    EXPECT_FALSE(o.ok);
    EXPECT_EQ(o.detail, "BMC refused");
    // A retried report (the answer was lost) changes nothing.
    ASSERT_TRUE(q.complete("lab", "a1", {{"t1", true, ""}}));
    EXPECT_EQ(o.calls, 1);
    EXPECT_FALSE(o.ok);
    EXPECT_EQ(q.ignoredReports(), 3u);
    EXPECT_EQ(q.waiting() + q.leased(), 0u);
}

TEST(TaskQueue, NotPickedUpInTimeFails) {
    SimulatedClock clock;
    TaskQueue q(options(), nullptr, clock);
    Outcome o;
    q.submit(task("t1", "lab"), record(o));
    clock.advance(59s);
    q.tick();
    EXPECT_EQ(o.calls, 0);
    clock.advance(1s);
    q.tick();
    ASSERT_EQ(o.calls, 1);
    EXPECT_FALSE(o.ok);
    EXPECT_NE(o.detail.find("no agent of site lab took the task within 60 s"), std::string::npos)
        << o.detail;
    EXPECT_TRUE(q.lease("lab", "a1", 1, 0ms)->empty()) << "a failed task is not offered";
}

TEST(TaskQueue, NotReportedInTimeFailsAndALateReportIsIgnored) {
    SimulatedClock clock;
    TaskQueue q(options(), nullptr, clock);
    Outcome o;
    q.submit(task("t1", "lab", 120), record(o));
    clock.advance(50s);  // taken late, still within the pickup timeout
    ASSERT_EQ(q.lease("lab", "a1", 1, 0ms)->size(), 1u);
    clock.advance(119s);
    q.tick();
    EXPECT_EQ(o.calls, 0) << "the run timeout counts from the lease";
    clock.advance(1s);
    q.tick();
    ASSERT_EQ(o.calls, 1);
    EXPECT_FALSE(o.ok);
    EXPECT_NE(o.detail.find("agent a1 of site lab did not report within 120 s"), std::string::npos)
        << o.detail;
    ASSERT_TRUE(q.complete("lab", "a1", {{"t1", true, ""}}));
    EXPECT_EQ(o.calls, 1);
    EXPECT_EQ(q.ignoredReports(), 1u);
}

TEST(TaskQueue, TheSameKeyIssuedTwiceRunsOnceAndAnswersBoth) {
    SimulatedClock clock;
    TaskQueue q(options(), nullptr, clock);
    Outcome first, second;
    q.submit(task("t1", "lab"), record(first));
    q.submit(task("t1", "lab"), record(second));
    auto leased = q.lease("lab", "a1", 10, 0ms);
    ASSERT_EQ(leased->size(), 1u);
    ASSERT_TRUE(q.complete("lab", "a1", {{"t1", true, ""}}));
    EXPECT_EQ(first.calls, 1);
    EXPECT_EQ(second.calls, 1);
    EXPECT_TRUE(second.ok);
}

TEST(TaskQueue, ALongPollWakesWhenATaskIsIssuedOrOnStop) {
    TaskQueue q(options(), nullptr);
    Outcome o;
    std::thread later([&] {
        std::this_thread::sleep_for(50ms);
        q.submit(task("t1", "lab"), record(o));
    });
    const auto t0 = std::chrono::steady_clock::now();
    auto leased = q.lease("lab", "a1", 1, 10s);
    later.join();
    ASSERT_TRUE(leased);
    EXPECT_EQ(leased->size(), 1u);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
    std::thread stopper([&] {
        std::this_thread::sleep_for(50ms);
        q.stop();
    });
    const auto t1 = std::chrono::steady_clock::now();
    EXPECT_TRUE(q.lease("lab", "a1", 1, 10s)->empty());
    stopper.join();
    EXPECT_LT(std::chrono::steady_clock::now() - t1, 5s);
}

// Journaled in a file (a restarted server) or in etcd (the next HA leader, its own writer on
// the same etcd).
class JournaledQueue : public ::testing::TestWithParam<bool> {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("vq-task-queue-" + std::to_string(::getpid()) + "-" +
                std::to_string(reinterpret_cast<uintptr_t>(this)));
        std::filesystem::remove_all(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::unique_ptr<TaskQueue> open() {
        std::unique_ptr<TaskJournal> journal;
        if (GetParam()) {
            auto client = std::make_shared<etcd::Client>(fake_);
            auto j = EtcdTaskJournal::open(
                std::make_shared<store::EtcdWriter>(client, store::EtcdWriterOptions{}),
                store::EtcdKeyspace{"vq", "sot1"}, 100);
            EXPECT_TRUE(j) << j.message();
            journal = std::move(*j);
        } else {
            auto j = FileTaskJournal::open(dir_ / "tasks.journal", 100);
            EXPECT_TRUE(j) << j.message();
            journal = std::move(*j);
        }
        return std::make_unique<TaskQueue>(options(), std::move(journal), clock_);
    }
    std::filesystem::path dir_;
    std::shared_ptr<etcd::FakeEtcd> fake_ = std::make_shared<etcd::FakeEtcd>();
    SimulatedClock clock_;
};

INSTANTIATE_TEST_SUITE_P(FileAndEtcd, JournaledQueue, ::testing::Bool(), [](const auto& p) {
    return p.param ? "Etcd" : "File";
});

TEST_P(JournaledQueue, ARestartNeverHandsOutALeasedOrEndedTaskAgain) {
    {
        auto q = open();
        Outcome a, b;
        q->submit(task("leased", "lab"), record(a));
        q->submit(task("ended", "lab"), record(b));
        ASSERT_EQ(q->lease("lab", "a1", 10, 0ms)->size(), 2u);
        ASSERT_TRUE(q->complete("lab", "a1", {{"ended", true, "power cycled"}}));
        EXPECT_EQ(b.calls, 1);
    }
    auto q = open();
    Outcome a, b, fresh;
    // The restarted state engine issues both again under the same keys.
    q->submit(task("ended", "lab"), record(b));
    EXPECT_EQ(b.calls, 1) << "answered from the journal, not run again";
    EXPECT_TRUE(b.ok);
    EXPECT_EQ(b.detail, "power cycled");
    q->submit(task("leased", "lab"), record(a));
    q->submit(task("fresh", "lab"), record(fresh));
    auto offered = q->lease("lab", "a2", 10, 0ms);
    ASSERT_EQ(offered->size(), 1u);
    EXPECT_EQ((*offered)[0].id, "fresh") << "the task a1 holds is not offered to a2";
    // The agent that held it reports to the restarted server.
    ASSERT_TRUE(q->complete("lab", "a1", {{"leased", true, ""}}));
    EXPECT_EQ(a.calls, 1);
    EXPECT_TRUE(a.ok);
}

}  // namespace
}  // namespace vq::server
