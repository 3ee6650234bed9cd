#pragma once
// The server's side of control::TaskSource: tasks the state engine issued wait here until
// an agent of their site leases them (a long poll), and are answered when it reports. Each
// task is offered once: a lease is never handed out again, so a task whose agent vanished
// fails at its deadline instead of running twice. A task fails (its `Done` answered, the
// state engine applies its failure policy) when no agent of its site leased it within
// `pickup_timeout`, or when its agent did not report within the task's own timeout. A
// report for a task that is unknown, ended, of another site or leased by another agent is
// ignored and counted. With a journal, leases and results survive a restart: a task issued
// again under the same idempotency key is answered from it or waits for its agent.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "control/links.h"
#include "metrics/registry.h"

#include "base/clock.h"
#include "server/task_journal.h"

namespace vq::server {

struct TaskQueueOptions {
    std::chrono::seconds pickup_timeout{60};
    std::chrono::milliseconds tick_interval{500};
    // Every task's run timeout is at least this (the agent reports after running it).
    std::chrono::seconds min_run_timeout{30};
    metrics::Registry* metrics = nullptr;  // may be null
};

class TaskQueue : public control::TaskSource {
public:
    using Done = std::function<void(bool ok, std::string detail)>;

    // `journal` may be null (memory only: a restart forgets every task).
    TaskQueue(TaskQueueOptions options,
              std::unique_ptr<TaskJournal> journal,
              const Clock& clock = SteadyClock::instance());
    ~TaskQueue() override;
    TaskQueue(const TaskQueue&) = delete;
    TaskQueue& operator=(const TaskQueue&) = delete;

    // `task.site` names the site whose agents may lease it; `done` is called once, from
    // whichever thread ends the task (never under the queue's lock).
    void submit(control::Task task, Done done);

    // control::TaskSource
    Result<std::vector<control::Task>> lease(std::string_view site,
                                             std::string_view agent,
                                             size_t max,
                                             std::chrono::milliseconds wait) override;
    Status complete(std::string_view site,
                    std::string_view agent,
                    const std::vector<control::TaskResult>& results) override;

    // Fails the tasks past their deadline. The tick thread calls it; tests call it with a
    // simulated clock.
    void tick();
    void start();
    // Wakes every long poll (they answer empty) and stops the tick thread; tasks left are
    // dropped unanswered (the engine that issued them is stopping too).
    void stop();

    size_t waiting() const;  // not leased yet
    size_t leased() const;
    uint64_t ignoredReports() const;

private:
    struct Entry {
        control::Task task;
        std::vector<Done> done;
        TimePoint submitted{};
        std::string agent;     // empty: not leased
        TimePoint deadline{};  // once leased
    };
    using Ended = std::vector<std::pair<std::vector<Done>, std::pair<bool, std::string>>>;
    // Ends a task: journal, removal; its callbacks are returned to be run unlocked. mu_ held.
    void endLocked(const std::string& id, bool ok, std::string detail, Ended& ended);
    std::chrono::seconds runTimeout(const control::Task& t) const;
    void count(const char* event);

    TaskQueueOptions options_;
    std::unique_ptr<TaskJournal> journal_;
    const Clock& clock_;

    mutable std::mutex mu_;
    std::condition_variable ready_;
    std::list<std::string> order_;  // ids in submission order
    std::unordered_map<std::string, Entry> tasks_;
    uint64_t ignored_ = 0;
    bool stopping_ = false;

    std::mutex tick_mu_;
    std::condition_variable tick_cv_;
    bool tick_stop_ = false;
    std::thread ticker_;
};

}  // namespace vq::server
