#pragma once
// The embedded store's database: <SavePath>/vaquero.db, one SQLite connection in WAL mode
// with synchronous=FULL (a write is on disk when its commit returns, so neither kill -9 nor
// a power cut loses an acknowledged one), a schema version table with migrations (an older
// build refuses a newer file), and a writer thread doing group commit: writes are queued,
// and every write queued while the previous transaction committed goes into the next one,
// so concurrent writers share one fsync. Each write runs in its own savepoint: one that
// fails is undone alone.
//
// Every failure is a Status naming the file; the code is `unavailable` when it may heal
// (disk full, I/O error, lock), so an HTTP client is told 503.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.h"
#include "store/group_commit.h"

struct sqlite3;
struct sqlite3_stmt;

namespace vq::store {

class SqliteDb {
public:
    static constexpr int kSchemaVersion = 4;
    static constexpr const char* kFileName = "vaquero.db";
    using Ticket = uint64_t;
    using Write = std::function<Status(SqliteDb&)>;

    // <save_path>/vaquero.db, creating the directory and the file on first start.
    static Result<std::shared_ptr<SqliteDb>> openDir(const std::string& save_path);
    // Any database file (its directory must exist).
    static Result<std::shared_ptr<SqliteDb>> openFile(const std::string& file);
    ~SqliteDb();
    SqliteDb(const SqliteDb&) = delete;
    SqliteDb& operator=(const SqliteDb&) = delete;

    // Queues a write for the writer thread; writes commit in the order they were queued.
    Ticket submit(Write write) { return writer_->submit(std::move(write)); }
    // Blocks until the write of `ticket` is committed (or failed); its Status.
    Status wait(Ticket ticket) { return writer_->wait(ticket); }
    Status write(Write write) { return wait(submit(std::move(write))); }
    // Runs `fn` with the connection to itself (reads, and writes at start before any other
    // thread uses the store).
    template <typename Fn>
    auto read(Fn&& fn) {
        std::lock_guard lock(conn_mu_);
        return fn(*this);
    }

    // For statements run inside read() or a Write.
    sqlite3* handle() const { return db_; }
    Status exec(const char* sql);
    // Prepared once, kept for the connection's life, finalized by the destructor.
    Result<sqlite3_stmt*> prepare(const std::string& sql);
    Status error(const std::string& what) const;
    const std::string& file() const { return file_; }
    // Transactions committed so far (each may carry several writes).
    uint64_t commits() const;

private:
    explicit SqliteDb(std::string file) : file_(std::move(file)) {}
    Status init();
    Status migrate();
    // One round of the group-commit writer: a transaction, a savepoint per write.
    std::vector<Status> commitRound(std::vector<Write>& batch);

    std::string file_;
    std::mutex conn_mu_;  // the connection: one user at a time
    sqlite3* db_ = nullptr;
    std::vector<sqlite3_stmt*> statements_;

    std::atomic<uint64_t> commits_{0};
    std::unique_ptr<GroupCommit<Write>> writer_;  // started once the file is open
};

// Resets a statement on every path out of a call, so it never holds a read lock.
struct StmtReset {
    sqlite3_stmt* stmt;
    ~StmtReset();
};

std::string columnText(sqlite3_stmt* stmt, int col);
int bindText(sqlite3_stmt* stmt, int idx, const std::string& s);

}  // namespace vq::store
