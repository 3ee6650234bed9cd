#include "agent/task_executor.h"

#include "base/log.h"

namespace vq::agent {
namespace {
constexpr size_t kSeenLimit = 100'000;
}

TaskExecutor::TaskExecutor(control::TaskSource& source, TaskExecutorOptions options)
    : source_(source), options_(std::move(options)) {
    if (options_.threads == 0)
        options_.threads = 1;
    if (!options_.run) {
        options_.run = [runner = options_.runner](const control::Task& t) {
            return runTask(t, runner);
        };
    }
}

TaskExecutor::~TaskExecutor() {
    stop();
}

void TaskExecutor::start() {
    if (leaser_.joinable())
        return;
    for (size_t i = 0; i < options_.threads; ++i)
        workers_.emplace_back([this] { work(); });
    leaser_ = std::thread([this] { leaseLoop(); });
    reporter_ = std::thread([this] { reportLoop(); });
}

void TaskExecutor::stop() {
    {
        std::lock_guard lock(mu_);
        if (stopping_)
            return;
        stopping_ = true;
    }
    cv_.notify_all();
    if (leaser_.joinable())
        leaser_.join();
    for (auto& w : workers_)
        w.join();
    {
        std::lock_guard lock(mu_);
        workers_done_ = true;
    }
    cv_.notify_all();
    if (reporter_.joinable())
        reporter_.join();
}

bool TaskExecutor::sleep(std::chrono::milliseconds d) {
    std::unique_lock lock(mu_);
    return !cv_.wait_for(lock, d, [this] { return stopping_; });
}

void TaskExecutor::leaseLoop() {
    for (;;) {
        size_t free = 0;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock,
                     [this] { return stopping_ || busy_ + queue_.size() < options_.threads; });
            if (stopping_)
                return;
            free = options_.threads - busy_ - queue_.size();
        }
        auto tasks = source_.lease(options_.site, options_.agent, free, options_.wait);
        if (!tasks) {
            VQ_LOG_DEBUG("TASKS_UNAVAILABLE reason=\"{}\"", tasks.message());
            if (!sleep(options_.retry))
                return;
            continue;
        }
        std::lock_guard lock(mu_);
        for (auto& t : *tasks) {
            if (!seen_.insert(t.id).second) {
                VQ_LOG_WARN("TASK_OFFERED_AGAIN id={}: not run twice", t.id);
                continue;
            }
            seen_order_.push_back(t.id);
            while (seen_order_.size() > kSeenLimit) {
                seen_.erase(seen_order_.front());
                seen_order_.pop_front();
            }
            queue_.push_back(std::move(t));
        }
        cv_.notify_all();
    }
}

void TaskExecutor::work() {
    for (;;) {
        control::Task task;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (stopping_)
                return;  // tasks leased but not started are left to the server's deadline
            task = std::move(queue_.front());
            queue_.pop_front();
            ++busy_;
        }
        // The task's args are never logged: they hold credentials.
        VQ_LOG_INFO("TASK_STARTED id={} host={} kind={}", task.id, task.host, task.kind);
        const auto t0 = std::chrono::steady_clock::now();
        control::TaskResult r = options_.run(task);
        r.id = task.id;
        VQ_LOG_INFO("TASK_DONE id={} host={} ok={} ms={} detail=\"{}\"", task.id, task.host, r.ok,
                    std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - t0)
                        .count(),
                    r.detail);
        ran_.fetch_add(1);
        {
            std::lock_guard lock(mu_);
            --busy_;
            results_.push_back(std::move(r));
        }
        cv_.notify_all();
    }
}

void TaskExecutor::reportLoop() {
    for (;;) {
        std::vector<control::TaskResult> batch;
        bool last = false;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [this] { return workers_done_ || !results_.empty(); });
            batch.swap(results_);
            last = workers_done_;
        }
        if (!batch.empty()) {
            Status st = source_.complete(options_.site, options_.agent, batch);
            if (st) {
                reported_.fetch_add(batch.size());
            } else {
                VQ_LOG_WARN("TASK_REPORT_FAILED results={} reason=\"{}\"", batch.size(),
                            st.message());
                std::lock_guard lock(mu_);
                results_.insert(results_.begin(), batch.begin(), batch.end());
                if (last)
                    return;  // stopping: the server's deadline decides
            }
            if (!st && !last) {
                std::unique_lock lock(mu_);
                cv_.wait_for(lock, options_.retry, [this] { return workers_done_; });
            }
            continue;
        }
        if (last)
            return;
    }
}

}  // namespace vq::agent
