// The executor against a fake source: every task runs once even when offered twice, every
// result reaches the source, a report the source could not take is sent again.
#include "agent/task_executor.h"

#include <chrono>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

namespace vq::agent {
namespace {

using namespace std::chrono_literals;

class FakeSource : public control::TaskSource {
public:
    void offer(std::vector<control::Task> tasks) {
        std::lock_guard lock(mu_);
        offers_.push_back(std::move(tasks));
    }
    void failReports(int n) {
        std::lock_guard lock(mu_);
        fail_reports_ = n;
    }
    Result<std::vector<control::Task>> lease(std::string_view site,
                                             std::string_view agent,
                                             size_t max,
                                             std::chrono::milliseconds) override {
        std::this_thread::sleep_for(5ms);
        std::lock_guard lock(mu_);
        sites_.emplace_back(site);
        agents_.emplace_back(agent);
        if (offers_.empty())
            return std::vector<control::Task>{};
        auto out = std::move(offers_.front());
        offers_.erase(offers_.begin());
        EXPECT_LE(out.size(), max);
        return out;
    }
    Status complete(std::string_view,
                    std::string_view,
                    const std::vector<control::TaskResult>& results) override {
        std::lock_guard lock(mu_);
        ++report_calls_;
        if (fail_reports_ > 0) {
            --fail_reports_;
            return Status::unavailable("server away");
        }
        reported_.insert(reported_.end(), results.begin(), results.end());
        return Status::ok();
    }
    std::vector<control::TaskResult> reported() {
        std::lock_guard lock(mu_);
        return reported_;
    }
    int reportCalls() {
        std::lock_guard lock(mu_);
        return report_calls_;
    }
    std::vector<std::string> sites() {
        std::lock_guard lock(mu_);
        return sites_;
    }

private:
    std::mutex mu_;
    std::vector<std::vector<control::Task>> offers_;
    std::vector<control::TaskResult> reported_;
    std::vector<std::string> sites_, agents_;
    int fail_reports_ = 0;
    int report_calls_ = 0;
};

template <typename F>
bool eventually(F f) {
    for (int i = 0; i < 500; ++i) {
        if (f())
            return true;
        std::this_thread::sleep_for(10ms);
    }
    return f();
}

control::Task task(std::string id) {
    control::Task t;
    t.id = std::move(id);
    t.host = "node1";
    t.kind = "power";
    return t;
}

TEST(TaskExecutor, RunsEachTaskOnceAndReportsEveryResult) {
    FakeSource source;
    std::mutex mu;
    std::vector<std::string> ran;
    TaskExecutorOptions o;
    o.site = "lab";
    o.agent = "a1";
    o.threads = 2;
    o.wait = 10ms;
    o.retry = 10ms;
    o.run = [&](const control::Task& t) {
        std::lock_guard lock(mu);
        ran.push_back(t.id);
        return control::TaskResult{t.id, t.id != "bad", t.id == "bad" ? "exit 1" : ""};
    };
    source.offer({task("one"), task("bad")});
    source.offer({task("one")});  // offered again (a retried lease): not run twice
    source.failReports(1);        // the first report is lost: sent again
    TaskExecutor ex(source, o);
    ex.start();
    ASSERT_TRUE(eventually([&] { return source.reported().size() >= 2; }));
    std::this_thread::sleep_for(50ms);
    ex.stop();
    {
        std::lock_guard lock(mu);
        EXPECT_EQ(ran.size(), 2u);
    }
    auto reported = source.reported();
    ASSERT_EQ(reported.size(), 2u);
    for (const auto& r : reported) {
        if (r.id == "bad") {
            EXPECT_FALSE(r.ok);
            EXPECT_EQ(r.detail, "exit 1");
        } else {
            EXPECT_EQ(r.id, "one");
            EXPECT_TRUE(r.ok);
        }
    }
    EXPECT_GE(source.reportCalls(), 2);
    EXPECT_EQ(ex.ran(), 2u);
    for (const auto& s : source.sites())
        EXPECT_EQ(s, "lab") << "the executor asks for its own site only";
}

}  // namespace
}  // namespace vq::agent
