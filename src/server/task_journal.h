#pragma once
// What became of the tasks handed to agents, kept on disk under SavePath so that a restart
// never runs a task twice: which agent leased each task (written before the agent is
// answered) and how each ended. A task the restarted state engine issues again is matched
// by its idempotency key: ended, its result is the answer; leased, the agent that has it
// is waited for. One JSON line per change; the newest `keep` tasks are remembered (the file
// is rewritten from memory when it holds twice that many lines). Not thread-safe: its
// owner (TaskQueue) serialises calls.

#include <cstdio>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "base/result.h"

namespace vq::server {

class TaskJournal {
public:
    struct Entry {
        std::string agent;  // who leased it
        bool done = false;
        bool ok = false;
        std::string detail;
    };

    static Result<std::unique_ptr<TaskJournal>> open(std::filesystem::path file, size_t keep);
    ~TaskJournal();
    TaskJournal(const TaskJournal&) = delete;
    TaskJournal& operator=(const TaskJournal&) = delete;

    std::optional<Entry> find(const std::string& id) const;
    // Durable (flushed and synced) when they return ok.
    Status leased(const std::string& id, const std::string& agent);
    Status done(const std::string& id, bool ok, const std::string& detail);
    size_t size() const { return entries_.size(); }

private:
    TaskJournal(std::filesystem::path file, size_t keep);
    Status append(const std::string& id, const Entry& e);
    void remember(const std::string& id, Entry e);
    Status rewrite();

    std::filesystem::path file_;
    size_t keep_;
    std::FILE* out_ = nullptr;
    size_t lines_ = 0;
    std::unordered_map<std::string, Entry> entries_;
    std::deque<std::string> order_;  // oldest first
};

}  // namespace vq::server
