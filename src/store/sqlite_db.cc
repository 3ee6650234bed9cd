#include "store/sqlite_db.h"

#include <filesystem>
#include <system_error>
#include <vector>

#include <fmt/format.h>
#include <sqlite3.h>

namespace vq::store {
namespace {

namespace fs = std::filesystem;

// Version 1: host stage progress (the workflow engine).
constexpr const char* kSchemaV1 = R"(
CREATE TABLE IF NOT EXISTS host_progress (
    site TEXT NOT NULL,
    host TEXT NOT NULL,
    workflow TEXT NOT NULL,
    stage INTEGER NOT NULL,
    boot TEXT NOT NULL,
    state TEXT NOT NULL,
    updated_ms INTEGER NOT NULL,
    checkpoints INTEGER NOT NULL,
    PRIMARY KEY (site, host)
) WITHOUT ROWID;
)";

// Version 2: the state engine's rollout (hosts, workflows, recent transitions) and the
// accepted model revisions with their SoT files.
constexpr const char* kSchemaV2 = R"(
CREATE TABLE IF NOT EXISTS rollout_hosts (
    host TEXT PRIMARY KEY,
    phase TEXT NOT NULL,
    stage INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    provisioned_revision INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    previous_revision INTEGER NOT NULL,
    queued_revision INTEGER NOT NULL,
    rolled_back INTEGER NOT NULL,
    revalidate INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rollout_flows (
    workflow TEXT PRIMARY KEY,
    halted INTEGER NOT NULL,
    reason TEXT NOT NULL,
    changing INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rollout_transitions (
    seq INTEGER PRIMARY KEY,
    host TEXT NOT NULL,
    time_ms INTEGER NOT NULL,
    from_phase TEXT NOT NULL,
    to_phase TEXT NOT NULL,
    stage INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS rollout_transitions_by_host ON rollout_transitions (host, seq);
CREATE TABLE IF NOT EXISTS revisions (
    number INTEGER PRIMARY KEY,
    source_id TEXT NOT NULL,
    loaded_ms INTEGER NOT NULL,
    commit_id TEXT NOT NULL,
    bundle BLOB NOT NULL
);
)";

// Version 3: the next revision number, written before a number is handed out, so a number
// is never handed out twice (a revision whose files could not be stored, a restart).
constexpr const char* kSchemaV3 = R"(
CREATE TABLE IF NOT EXISTS revision_counter (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    next INTEGER NOT NULL
);
INSERT OR IGNORE INTO revision_counter (id, next)
    SELECT 0, coalesce(max(number), 0) + 1 FROM revisions;
)";

// Version 4: the revision the rollout planned last. A rollout_hosts row of a provisioned
// host with revision and provisioned_revision 0 follows it (workflow::HostRecord::follows),
// so a SoT change that leaves a host as it is does not rewrite its row.
constexpr const char* kSchemaV4 = R"(
CREATE TABLE IF NOT EXISTS rollout_follow (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    revision INTEGER NOT NULL
);
)";

// Full disk, I/O errors, locks and files that went away can heal (space freed, lock
// released): the caller may retry, and an HTTP client is told 503. Anything else is ours.
StatusCode codeOf(int sqlite_code) {
    switch (sqlite_code & 0xff) {
        case SQLITE_FULL:
        case SQLITE_IOERR:
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
        case SQLITE_CANTOPEN:
        case SQLITE_READONLY:
        case SQLITE_NOMEM:
            return StatusCode::unavailable;
        default:
            return StatusCode::internal;
    }
}

// Writes committed together at most: bounds a transaction's size and a writer's wait.
constexpr size_t kMaxBatch = 1024;

}  // namespace

StmtReset::~StmtReset() {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
}

std::string columnText(sqlite3_stmt* stmt, int col) {
    const unsigned char* p = sqlite3_column_text(stmt, col);
    return p == nullptr ? std::string()
                        : std::string(reinterpret_cast<const char*>(p),
                                      static_cast<size_t>(sqlite3_column_bytes(stmt, col)));
}

int bindText(sqlite3_stmt* stmt, int idx, const std::string& s) {
    return sqlite3_bind_text(stmt, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

Result<std::shared_ptr<SqliteDb>> SqliteDb::openDir(const std::string& save_path) {
    if (save_path.empty())
        return Result<std::shared_ptr<SqliteDb>>::error("SavePath is empty");
    std::error_code ec;
    fs::create_directories(save_path, ec);
    if (ec) {
        return Result<std::shared_ptr<SqliteDb>>::error(
            fmt::format("cannot create SavePath {}: {}", save_path, ec.message()));
    }
    return openFile((fs::path(save_path) / kFileName).string());
}

Result<std::shared_ptr<SqliteDb>> SqliteDb::openFile(const std::string& file) {
    std::shared_ptr<SqliteDb> db(new SqliteDb(file));
    if (Status st = db->init(); !st)
        return st;
    db->writer_ = std::make_unique<GroupCommit<Write>>(
        [raw = db.get()](std::vector<Write>& batch) { return raw->commitRound(batch); }, kMaxBatch);
    return db;
}

SqliteDb::~SqliteDb() {
    writer_.reset();  // every queued write done, before the connection closes
    for (sqlite3_stmt* s : statements_)
        sqlite3_finalize(s);
    sqlite3_close_v2(db_);
}

Status SqliteDb::error(const std::string& what) const {
    const char* msg = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    const int code = db_ != nullptr ? sqlite3_extended_errcode(db_) : SQLITE_NOMEM;
    return Status::withCode(codeOf(code), fmt::format("store {}: {}: {}", file_, what, msg));
}

Status SqliteDb::exec(const char* sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
        std::string m = msg != nullptr ? msg : sqlite3_errmsg(db_);
        sqlite3_free(msg);
        return Status::withCode(codeOf(sqlite3_extended_errcode(db_)),
                                fmt::format("store {}: {}", file_, m));
    }
    return Status::ok();
}

Result<sqlite3_stmt*> SqliteDb::prepare(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
        SQLITE_OK)
        return error("prepare");
    statements_.push_back(stmt);
    return stmt;
}

Status SqliteDb::init() {
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(file_.c_str(), &db_, flags, nullptr) != SQLITE_OK)
        return error("cannot open");
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, 5000);
    // journal_mode is the first statement that writes: an unwritable file or directory
    // fails here, at start, rather than on the first checkpoint.
    {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db_, "PRAGMA journal_mode=WAL", -1, &stmt, nullptr) != SQLITE_OK)
            return error("cannot open");
        const int rc = sqlite3_step(stmt);
        const std::string mode = rc == SQLITE_ROW ? columnText(stmt, 0) : std::string();
        sqlite3_finalize(stmt);
        if (rc != SQLITE_ROW)
            return error("cannot open");
        if (mode != "wal")
            return Status::failedPrecondition(
                fmt::format("store {}: cannot use WAL mode (got '{}')", file_, mode));
    }
    VQ_TRY(exec("PRAGMA synchronous=FULL"));
    VQ_TRY(exec("BEGIN IMMEDIATE"));
    Status st = migrate();
    if (!st) {
        (void)exec("ROLLBACK");
        return st;
    }
    return exec("COMMIT");
}

Status SqliteDb::migrate() {
    VQ_TRY(exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"));
    int version = 0;
    {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db_, "SELECT max(version) FROM schema_version", -1, &stmt,
                               nullptr) != SQLITE_OK)
            return error("schema version");
        if (sqlite3_step(stmt) == SQLITE_ROW)
            version = sqlite3_column_int(stmt, 0);
        sqlite3_finalize(stmt);
    }
    if (version > kSchemaVersion) {
        return Status::failedPrecondition(
            fmt::format("store {}: schema version {} is newer than this build understands ({})",
                        file_, version, kSchemaVersion));
    }
    if (version == kSchemaVersion)
        return Status::ok();
    // Each step takes the file from one version to the next; a new file walks them all.
    if (version < 1)
        VQ_TRY(exec(kSchemaV1));
    if (version < 2)
        VQ_TRY(exec(kSchemaV2));
    if (version < 3)
        VQ_TRY(exec(kSchemaV3));
    if (version < 4)
        VQ_TRY(exec(kSchemaV4));
    VQ_TRY(exec("DELETE FROM schema_version"));
    return exec(
        fmt::format("INSERT INTO schema_version(version) VALUES ({})", kSchemaVersion).c_str());
}

uint64_t SqliteDb::commits() const {
    return commits_.load();
}

std::vector<Status> SqliteDb::commitRound(std::vector<Write>& batch) {
    std::vector<Status> results(batch.size());
    std::lock_guard conn(conn_mu_);
    Status begun = exec("BEGIN IMMEDIATE");
    if (!begun) {
        for (auto& r : results)
            r = begun;
        return results;
    }
    for (size_t i = 0; i < batch.size(); ++i) {
        Status st = exec("SAVEPOINT one_write");
        if (st)
            st = batch[i](*this);
        if (!st)
            (void)exec("ROLLBACK TO one_write");
        (void)exec("RELEASE one_write");
        results[i] = std::move(st);
    }
    Status done = exec("COMMIT");
    if (!done) {
        (void)exec("ROLLBACK");
        for (auto& r : results)
            r = done;
    } else {
        ++commits_;
    }
    return results;
}

}  // namespace vq::store
