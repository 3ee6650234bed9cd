#include "server/task_queue.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/log.h"

namespace vq::server {

TaskQueue::TaskQueue(TaskQueueOptions options,
                     std::unique_ptr<TaskJournal> journal,
                     const Clock& clock)
    : options_(options), journal_(std::move(journal)), clock_(clock) {}

TaskQueue::~TaskQueue() {
    stop();
}

void TaskQueue::count(const char* event) {
    if (options_.metrics == nullptr)
        return;
    options_.metrics
        ->counter("vaquero_tasks_total",
                  "Tasks handed to agents: issued, leased, reported, failed (timeouts), "
                  "ignored reports.",
                  {{"event", event}})
        .inc();
}

std::chrono::seconds TaskQueue::runTimeout(const control::Task& t) const {
    return std::max(options_.min_run_timeout, std::chrono::seconds(t.timeout_s));
}

void TaskQueue::submit(control::Task task, Done done) {
    const std::string id = task.id;
    std::optional<TaskJournal::Entry> known;
    {
        std::lock_guard lock(mu_);
        if (stopping_)
            return;  // dropped: the engine that asked is stopping
        if (auto it = tasks_.find(id); it != tasks_.end()) {
            // The same transition's action issued twice: one run answers both.
            it->second.done.push_back(std::move(done));
            return;
        }
        if (journal_)
            known = journal_->find(id);
        if (!known || !known->done) {
            Entry e;
            e.submitted = clock_.now();
            if (known) {
                // Leased before a restart: its agent has it (or is running it); it is not
                // offered again, its report is waited for.
                e.agent = known->agent;
                e.deadline = e.submitted + runTimeout(task);
            }
            e.task = std::move(task);
            e.done.push_back(std::move(done));
            tasks_.emplace(id, std::move(e));
            order_.push_back(id);
        }
    }
    count("issued");
    if (known && known->done) {
        VQ_LOG_INFO("TASK_ALREADY_DONE id={} ok={}", id, known->ok);
        done(known->ok, known->detail);
        return;
    }
    if (known)
        VQ_LOG_INFO("TASK_STILL_LEASED id={} agent={}", id, known->agent);
    ready_.notify_all();
}

Result<std::vector<control::Task>> TaskQueue::lease(std::string_view site,
                                                    std::string_view agent,
                                                    size_t max,
                                                    std::chrono::milliseconds wait) {
    std::vector<control::Task> out;
    std::unique_lock lock(mu_);
    auto take = [&] {
        const TimePoint now = clock_.now();
        for (const auto& id : order_) {
            if (out.size() >= max)
                break;
            Entry& e = tasks_.at(id);
            if (!e.agent.empty() || (!site.empty() && e.task.site != site))
                continue;
            if (journal_) {
                if (Status st = journal_->leased(id, std::string(agent)); !st) {
                    VQ_LOG_ERROR("TASK_NOT_LEASED id={} error=\"{}\"", id, st.message());
                    continue;  // not handed out unrecorded: it could run again after a restart
                }
            }
            e.agent = agent.empty() ? "-" : std::string(agent);
            e.deadline = now + runTimeout(e.task);
            out.push_back(e.task);
        }
        return !out.empty() || stopping_;
    };
    if (max > 0)
        ready_.wait_for(lock, wait, take);
    lock.unlock();
    for (const auto& t : out) {
        count("leased");
        VQ_LOG_INFO("TASK_LEASED id={} site={} host={} kind={} agent={} timeout_s={}", t.id, t.site,
                    t.host, t.kind, agent, t.timeout_s);
    }
    return out;
}

void TaskQueue::endLocked(const std::string& id, bool ok, std::string detail, Ended& ended) {
    auto it = tasks_.find(id);
    if (it == tasks_.end())
        return;
    if (journal_) {
        if (Status st = journal_->done(id, ok, detail); !st)
            VQ_LOG_ERROR("TASK_RESULT_NOT_JOURNALED id={} error=\"{}\"", id, st.message());
    }
    ended.emplace_back(std::move(it->second.done), std::make_pair(ok, std::move(detail)));
    tasks_.erase(it);
    order_.remove(id);
}

Status TaskQueue::complete(std::string_view site,
                           std::string_view agent,
                           const std::vector<control::TaskResult>& results) {
    Ended ended;
    size_t ignored = 0;
    {
        std::lock_guard lock(mu_);
        const std::string who = agent.empty() ? "-" : std::string(agent);
        for (const auto& r : results) {
            auto it = tasks_.find(r.id);
            const char* why = nullptr;
            if (it == tasks_.end())
                why = "unknown or already ended";
            else if (!site.empty() && it->second.task.site != site)
                why = "another site's task";
            else if (it->second.agent != who)
                why = "not leased by this agent";
            if (why != nullptr) {
                ++ignored;
                VQ_LOG_INFO("TASK_REPORT_IGNORED id={} agent={} reason=\"{}\"", r.id, agent, why);
                continue;
            }
            VQ_LOG_INFO("TASK_REPORTED id={} agent={} ok={} detail=\"{}\"", r.id, agent, r.ok,
                        r.detail);
            endLocked(r.id, r.ok, r.detail, ended);
        }
        ignored_ += ignored;
    }
    for (size_t i = 0; i < ignored; ++i)
        count("ignored");
    for (auto& [callbacks, result] : ended) {
        count("reported");
        for (auto& d : callbacks)
            d(result.first, result.second);
    }
    return Status::ok();
}

void TaskQueue::tick() {
    Ended ended;
    {
        std::lock_guard lock(mu_);
        const TimePoint now = clock_.now();
        std::vector<std::pair<std::string, std::string>> late;
        for (const auto& id : order_) {
            const Entry& e = tasks_.at(id);
            if (e.agent.empty() && now - e.submitted >= options_.pickup_timeout) {
                late.emplace_back(id, fmt::format("no agent of site {} took the task within {} s",
                                                  e.task.site, options_.pickup_timeout.count()));
            } else if (!e.agent.empty() && now >= e.deadline) {
                late.emplace_back(
                    id, fmt::format("agent {} of site {} did not report within {} s", e.agent,
                                    e.task.site, runTimeout(e.task).count()));
            }
        }
        for (auto& [id, why] : late) {
            VQ_LOG_WARN("TASK_TIMED_OUT id={} reason=\"{}\"", id, why);
            endLocked(id, false, std::move(why), ended);
        }
    }
    for (auto& [callbacks, result] : ended) {
        count("timed_out");
        for (auto& d : callbacks)
            d(result.first, result.second);
    }
}

void TaskQueue::start() {
    std::lock_guard lock(tick_mu_);
    if (ticker_.joinable())
        return;
    tick_stop_ = false;
    ticker_ = std::thread([this] {
        std::unique_lock l(tick_mu_);
        while (!tick_cv_.wait_for(l, options_.tick_interval, [this] { return tick_stop_; })) {
            l.unlock();
            tick();
            l.lock();
        }
    });
}

void TaskQueue::stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    ready_.notify_all();
    {
        std::lock_guard lock(tick_mu_);
        tick_stop_ = true;
    }
    tick_cv_.notify_all();
    if (ticker_.joinable())
        ticker_.join();
}

size_t TaskQueue::waiting() const {
    std::lock_guard lock(mu_);
    return static_cast<size_t>(std::count_if(
        tasks_.begin(), tasks_.end(), [](const auto& kv) { return kv.second.agent.empty(); }));
}

size_t TaskQueue::leased() const {
    std::lock_guard lock(mu_);
    return tasks_.size() -
           static_cast<size_t>(std::count_if(tasks_.begin(), tasks_.end(), [](const auto& kv) {
               return kv.second.agent.empty();
           }));
}

uint64_t TaskQueue::ignoredReports() const {
    std::lock_guard lock(mu_);
    return ignored_;
}

}  // namespace vq::server
