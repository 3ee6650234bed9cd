#pragma once
// The embedded store of `vaquero standalone`: host progress in one SQLite file,
// <SavePath>/vaquero.db, in WAL mode (readers never wait for the writer, a crash loses at
// most the last transaction), with a schema version table so a later build can migrate
// and an older one refuses a newer file. Statements are prepared once; every failure is a
// Status naming the file. One connection, serialised by a mutex: the workflow engine
// writes through one transition at a time and reads everything once at start.

#include <memory>
#include <mutex>
#include <string>

#include "base/result.h"
#include "workflow/progress_store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace vq::store {

class SqliteProgressStore : public workflow::ProgressStore {
public:
    static constexpr int kSchemaVersion = 1;
    static constexpr const char* kFileName = "vaquero.db";

    // <save_path>/vaquero.db, creating the directory and the file on first start.
    static Result<std::unique_ptr<SqliteProgressStore>> openDir(const std::string& save_path);
    // Any database file (its directory must exist).
    static Result<std::unique_ptr<SqliteProgressStore>> openFile(const std::string& file);

    ~SqliteProgressStore() override;
    SqliteProgressStore(const SqliteProgressStore&) = delete;
    SqliteProgressStore& operator=(const SqliteProgressStore&) = delete;

    Result<std::optional<workflow::HostProgress>> load(const std::string& site,
                                                       const std::string& host) override;
    Status save(const workflow::HostProgress& p) override;
    Result<std::vector<workflow::HostProgress>> all() override;

    const std::string& file() const { return file_; }

private:
    explicit SqliteProgressStore(std::string file) : file_(std::move(file)) {}
    Status init();
    Status exec(const char* sql);
    Status prepare(const char* sql, sqlite3_stmt** stmt);
    Status error(const std::string& what) const;
    Result<workflow::HostProgress> row(sqlite3_stmt* stmt) const;

    std::string file_;
    std::mutex mu_;
    sqlite3* db_ = nullptr;
    sqlite3_stmt* load_ = nullptr;
    sqlite3_stmt* save_ = nullptr;
    sqlite3_stmt* all_ = nullptr;
};

}  // namespace vq::store
