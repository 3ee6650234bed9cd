#pragma once
// The state engine's rollout and the model revisions (workflow::RolloutStore) in the
// embedded store's database (store/sqlite_db.h): a step's records and transitions are one
// write of the group-commit writer; revisions are written through.

#include <memory>
#include <set>
#include <string>

#include "base/result.h"
#include "store/sqlite_db.h"
#include "workflow/rollout_store.h"

struct sqlite3_stmt;

namespace vq::store {

class SqliteRolloutStore : public workflow::RolloutStore {
public:
    static Result<std::unique_ptr<SqliteRolloutStore>> on(std::shared_ptr<SqliteDb> db);

    Result<workflow::RolloutState> loadRollout(size_t history) override;
    Ticket saveRollout(workflow::RolloutChanges changes,
                       std::vector<workflow::StoredTransition> transitions,
                       size_t history) override;
    Status wait(Ticket ticket) override;
    Result<uint64_t> allocateRevisionNumber(uint64_t at_least) override;
    Status saveRevision(const workflow::StoredRevision& revision) override;
    Result<std::optional<workflow::StoredRevision>> latestRevision() override;
    Result<std::optional<workflow::StoredRevision>> revision(uint64_t number) override;
    Status pruneRevisions(size_t keep, const std::set<uint64_t>& pinned) override;
    Result<std::vector<uint64_t>> revisionNumbers() override;

private:
    explicit SqliteRolloutStore(std::shared_ptr<SqliteDb> db) : db_(std::move(db)) {}
    Result<std::optional<workflow::StoredRevision>> readRevision(sqlite3_stmt* stmt);

    std::shared_ptr<SqliteDb> db_;
    struct Statements {
        sqlite3_stmt* save_host = nullptr;
        sqlite3_stmt* save_flow = nullptr;
        sqlite3_stmt* add_transition = nullptr;
        sqlite3_stmt* trim_transitions = nullptr;
        sqlite3_stmt* hosts = nullptr;
        sqlite3_stmt* flows = nullptr;
        sqlite3_stmt* transitions = nullptr;
        sqlite3_stmt* save_revision = nullptr;
        sqlite3_stmt* latest_revision = nullptr;
        sqlite3_stmt* revision = nullptr;
        sqlite3_stmt* numbers = nullptr;
        sqlite3_stmt* drop_revision = nullptr;
        sqlite3_stmt* next_revision = nullptr;
        sqlite3_stmt* set_next_revision = nullptr;
        sqlite3_stmt* follow = nullptr;
        sqlite3_stmt* set_follow = nullptr;
    } q_;
};

}  // namespace vq::store
