#pragma once
// The agent's task executor: leases its site's tasks from the server (a long poll through
// control::TaskSource), runs each once on a pool of threads (power calls wait on BMCs,
// containers on the engine) and reports every result, again and again until the server
// has it. A task id it already ran is never run again, whoever offers it. In `standalone`
// the source is the server in this process; in `vaquero agent` it is the ServerAPI.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "control/links.h"

#include "agent/task_runner.h"

namespace vq::agent {

struct TaskExecutorOptions {
    std::string site;   // "" (in-process only): every site's tasks
    std::string agent;  // this agent's id, as the server knows it
    size_t threads = 16;
    std::chrono::milliseconds wait{3'000};  // per long poll (bounds stop())
    std::chrono::milliseconds retry{500};   // after the server could not be reached
    TaskRunnerOptions runner;
    // Runs one task; null: runTask with `runner` (tests put a fake here).
    std::function<control::TaskResult(const control::Task&)> run;
};

class TaskExecutor {
public:
    TaskExecutor(control::TaskSource& source, TaskExecutorOptions options);
    ~TaskExecutor();
    TaskExecutor(const TaskExecutor&) = delete;
    TaskExecutor& operator=(const TaskExecutor&) = delete;

    void start();
    // Stops leasing, lets running tasks finish and reports what can be reported.
    void stop();

    uint64_t ran() const { return ran_.load(); }
    uint64_t reported() const { return reported_.load(); }

private:
    void leaseLoop();
    void work();
    void reportLoop();
    bool sleep(std::chrono::milliseconds d);  // false when stopping

    control::TaskSource& source_;
    TaskExecutorOptions options_;

    std::mutex mu_;
    std::condition_variable cv_;  // work queued, a slot freed, results, stopping
    std::deque<control::Task> queue_;
    size_t busy_ = 0;
    std::vector<control::TaskResult> results_;
    std::unordered_set<std::string> seen_;  // ids run (bounded by seen_order_)
    std::deque<std::string> seen_order_;
    bool stopping_ = false;
    bool workers_done_ = false;

    std::atomic<uint64_t> ran_{0};
    std::atomic<uint64_t> reported_{0};
    std::thread leaser_, reporter_;
    std::vector<std::thread> workers_;
};

}  // namespace vq::agent
