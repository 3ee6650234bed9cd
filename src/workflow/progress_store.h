#pragma once
// What the workflow engine asks of durable storage: one record per host, written through
// on every transition and read back whole at start. Defined here, by its consumer; the
// composition roots pick an implementation (store::SqliteProgressStore, or the in-memory
// one below for tests and for running without state).

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "workflow/host_progress.h"

namespace vq::workflow {

class ProgressStore {
public:
    virtual ~ProgressStore() = default;
    virtual Result<std::optional<HostProgress>> load(const std::string& site,
                                                     const std::string& host) = 0;
    // Inserts or replaces the record of (p.site, p.host).
    virtual Status save(const HostProgress& p) = 0;
    // The same, queued: durable once wait(ticket) answered ok, so that writes of several
    // callers may share one commit. By default it saves at once.
    using Ticket = uint64_t;
    virtual Result<Ticket> queueSave(const HostProgress& p) {
        VQ_TRY(save(p));
        return Ticket{0};
    }
    virtual Status wait(Ticket) { return Status::ok(); }
    virtual Result<std::vector<HostProgress>> all() = 0;
};

// Keeps records in memory; thread-safe. `failSaves` makes every save fail (tests).
class MemoryProgressStore : public ProgressStore {
public:
    Result<std::optional<HostProgress>> load(const std::string& site,
                                             const std::string& host) override;
    Status save(const HostProgress& p) override;
    Result<std::vector<HostProgress>> all() override;

    void failSaves(bool fail);
    size_t saves() const;

private:
    mutable std::mutex mu_;
    std::map<std::pair<std::string, std::string>, HostProgress> records_;
    bool fail_saves_ = false;
    size_t saves_ = 0;
};

}  // namespace vq::workflow
