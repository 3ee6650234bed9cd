#pragma once
// Host stage progress (workflow::ProgressStore) in the embedded store's database
// (store/sqlite_db.h). Statements are prepared once; a save goes through the database's
// group-commit writer and returns once it is on disk.

#include <memory>
#include <string>

#include "base/result.h"
#include "store/sqlite_db.h"
#include "workflow/progress_store.h"

struct sqlite3_stmt;

namespace vq::store {

class SqliteProgressStore : public workflow::ProgressStore {
public:
    static constexpr const char* kFileName = SqliteDb::kFileName;

    // On a database shared with the other stores of the same file.
    static Result<std::unique_ptr<SqliteProgressStore>> on(std::shared_ptr<SqliteDb> db);
    // <save_path>/vaquero.db, creating the directory and the file on first start.
    static Result<std::unique_ptr<SqliteProgressStore>> openDir(const std::string& save_path);

    Result<std::optional<workflow::HostProgress>> load(const std::string& site,
                                                       const std::string& host) override;
    Status save(const workflow::HostProgress& p) override;
    Result<Ticket> queueSave(const workflow::HostProgress& p) override;
    Status wait(Ticket ticket) override { return db_->wait(ticket); }
    Result<std::vector<workflow::HostProgress>> all() override;

    const std::string& file() const { return db_->file(); }

private:
    explicit SqliteProgressStore(std::shared_ptr<SqliteDb> db) : db_(std::move(db)) {}
    Result<workflow::HostProgress> row(sqlite3_stmt* stmt) const;

    std::shared_ptr<SqliteDb> db_;
    sqlite3_stmt* load_ = nullptr;
    sqlite3_stmt* save_ = nullptr;
    sqlite3_stmt* all_ = nullptr;
};

}  // namespace vq::store
