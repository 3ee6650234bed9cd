#pragma once
// What became of the tasks handed to agents, kept durably so that a restart (or a new HA
// leader) never runs a task twice: which agent leased each task (written before the agent
// is answered) and how each ended. A task the state engine issues again is matched by its
// idempotency key: ended, its result is the answer; leased, the agent that has it is waited
// for. The newest `keep` tasks are remembered. Where they are kept is the implementation's:
// a file under SavePath (file_task_journal.h) or etcd (etcd_task_journal.h). Not
// thread-safe: its owner (TaskQueue) serialises calls.

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

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

    virtual ~TaskJournal() = default;
    TaskJournal(const TaskJournal&) = delete;
    TaskJournal& operator=(const TaskJournal&) = delete;

    std::optional<Entry> find(const std::string& id) const;
    // Durable when they return ok; in memory either way.
    Status leased(const std::string& id, const std::string& agent);
    Status done(const std::string& id, bool ok, const std::string& detail);
    size_t size() const { return entries_.size(); }

    // One entry as stored (a JSON object with its id), and back; nullopt for anything that
    // is not one (a torn write is skipped: the journal only ever prevents a second run, it
    // never invents a success).
    static std::string encode(const std::string& id, const Entry& e);
    static std::optional<std::pair<std::string, Entry>> decode(std::string_view text);

protected:
    explicit TaskJournal(size_t keep) : keep_(keep == 0 ? 1 : keep) {}
    // Remembers an entry; returns the ids forgotten to keep only the newest `keep`.
    std::vector<std::string> remember(const std::string& id, Entry e);
    // Stores one change durably; `forgotten` were dropped from memory by it.
    virtual Status persist(const std::string& id,
                           const Entry& e,
                           const std::vector<std::string>& forgotten) = 0;
    size_t keep() const { return keep_; }
    const std::deque<std::string>& order() const { return order_; }  // oldest first
    const Entry& at(const std::string& id) const { return entries_.at(id); }

private:
    size_t keep_;
    std::unordered_map<std::string, Entry> entries_;
    std::deque<std::string> order_;
};

}  // namespace vq::server
