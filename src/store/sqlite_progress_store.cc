#include "store/sqlite_progress_store.h"

#include <cstdint>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>
#include <sqlite3.h>

namespace vq::store {
namespace {

namespace fs = std::filesystem;
using workflow::HostProgress;

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
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

constexpr const char* kColumns =
    "site, host, workflow, stage, boot, state, updated_ms, checkpoints";

std::string text(sqlite3_stmt* stmt, int col) {
    const unsigned char* p = sqlite3_column_text(stmt, col);
    return p == nullptr ? std::string()
                        : std::string(reinterpret_cast<const char*>(p),
                                      static_cast<size_t>(sqlite3_column_bytes(stmt, col)));
}

int bindText(sqlite3_stmt* stmt, int idx, const std::string& s) {
    return sqlite3_bind_text(stmt, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

// Resets a statement on every path out of a call, so it never holds a read lock.
struct StmtReset {
    sqlite3_stmt* stmt;
    ~StmtReset() {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
    }
};

}  // namespace

Result<std::unique_ptr<SqliteProgressStore>> SqliteProgressStore::openDir(
    const std::string& save_path) {
    if (save_path.empty())
        return Result<std::unique_ptr<SqliteProgressStore>>::error("SavePath is empty");
    std::error_code ec;
    fs::create_directories(save_path, ec);
    if (ec) {
        return Result<std::unique_ptr<SqliteProgressStore>>::error(
            fmt::format("cannot create SavePath {}: {}", save_path, ec.message()));
    }
    return openFile((fs::path(save_path) / kFileName).string());
}

Result<std::unique_ptr<SqliteProgressStore>> SqliteProgressStore::openFile(
    const std::string& file) {
    std::unique_ptr<SqliteProgressStore> store(new SqliteProgressStore(file));
    if (Status st = store->init(); !st)
        return st;
    return store;
}

SqliteProgressStore::~SqliteProgressStore() {
    sqlite3_finalize(load_);
    sqlite3_finalize(save_);
    sqlite3_finalize(all_);
    sqlite3_close_v2(db_);
}

namespace {

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

}  // namespace

Status SqliteProgressStore::error(const std::string& what) const {
    const char* msg = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    const int code = db_ != nullptr ? sqlite3_extended_errcode(db_) : SQLITE_NOMEM;
    return Status::withCode(codeOf(code), fmt::format("store {}: {}: {}", file_, what, msg));
}

Status SqliteProgressStore::exec(const char* sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
        std::string m = msg != nullptr ? msg : sqlite3_errmsg(db_);
        sqlite3_free(msg);
        return Status::withCode(codeOf(sqlite3_extended_errcode(db_)),
                                fmt::format("store {}: {}", file_, m));
    }
    return Status::ok();
}

Status SqliteProgressStore::prepare(const char* sql, sqlite3_stmt** stmt) {
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, nullptr) != SQLITE_OK)
        return error("prepare");
    return Status::ok();
}

Status SqliteProgressStore::init() {
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
        const std::string mode = rc == SQLITE_ROW ? text(stmt, 0) : std::string();
        sqlite3_finalize(stmt);
        if (rc != SQLITE_ROW)
            return error("cannot open");
        if (mode != "wal")
            return Status::failedPrecondition(
                fmt::format("store {}: cannot use WAL mode (got '{}')", file_, mode));
    }
    VQ_TRY(exec("PRAGMA synchronous=NORMAL"));
    VQ_TRY(exec("BEGIN IMMEDIATE"));
    Status st = exec(kSchema);
    int version = 0;
    if (st) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db_, "SELECT max(version) FROM schema_version", -1, &stmt,
                               nullptr) != SQLITE_OK) {
            st = error("schema version");
        } else {
            if (sqlite3_step(stmt) == SQLITE_ROW)
                version = sqlite3_column_int(stmt, 0);
            sqlite3_finalize(stmt);
        }
    }
    if (st && version == 0) {
        st = exec(
            fmt::format("INSERT INTO schema_version(version) VALUES ({})", kSchemaVersion).c_str());
    } else if (st && version > kSchemaVersion) {
        st = Status::failedPrecondition(
            fmt::format("store {}: schema version {} is newer than this build understands ({})",
                        file_, version, kSchemaVersion));
    }
    if (!st) {
        (void)exec("ROLLBACK");
        return st;
    }
    VQ_TRY(exec("COMMIT"));
    VQ_TRY(prepare(
        fmt::format("SELECT {} FROM host_progress WHERE site = ?1 AND host = ?2", kColumns).c_str(),
        &load_));
    VQ_TRY(prepare(fmt::format("INSERT OR REPLACE INTO host_progress ({}) VALUES "
                               "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                               kColumns)
                       .c_str(),
                   &save_));
    VQ_TRY(prepare(
        fmt::format("SELECT {} FROM host_progress ORDER BY site, host", kColumns).c_str(), &all_));
    return Status::ok();
}

Result<HostProgress> SqliteProgressStore::row(sqlite3_stmt* stmt) const {
    HostProgress p;
    p.site = text(stmt, 0);
    p.host = text(stmt, 1);
    p.workflow = text(stmt, 2);
    const sqlite3_int64 stage = sqlite3_column_int64(stmt, 3);
    p.boot = text(stmt, 4);
    const std::string state = text(stmt, 5);
    auto parsed = workflow::parseHostState(state);
    if (!parsed || stage < 0 || stage > UINT32_MAX) {
        return Result<HostProgress>::error(
            StatusCode::internal,
            fmt::format("store {}: corrupt record for host {} of site {} (state '{}', stage {})",
                        file_, p.host, p.site, state, stage));
    }
    p.stage = static_cast<uint32_t>(stage);
    p.state = *parsed;
    p.updated = workflow::WallTime(std::chrono::milliseconds(sqlite3_column_int64(stmt, 6)));
    p.checkpoints = static_cast<uint64_t>(sqlite3_column_int64(stmt, 7));
    return p;
}

Result<std::optional<HostProgress>> SqliteProgressStore::load(const std::string& site,
                                                              const std::string& host) {
    std::lock_guard lock(mu_);
    StmtReset reset{load_};
    bindText(load_, 1, site);
    bindText(load_, 2, host);
    const int rc = sqlite3_step(load_);
    if (rc == SQLITE_DONE)
        return std::optional<HostProgress>();
    if (rc != SQLITE_ROW)
        return error("load");
    auto p = row(load_);
    if (!p)
        return p.status();
    return std::optional<HostProgress>(std::move(*p));
}

Status SqliteProgressStore::save(const HostProgress& p) {
    std::lock_guard lock(mu_);
    StmtReset reset{save_};
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(p.updated.time_since_epoch());
    bindText(save_, 1, p.site);
    bindText(save_, 2, p.host);
    bindText(save_, 3, p.workflow);
    sqlite3_bind_int64(save_, 4, p.stage);
    bindText(save_, 5, p.boot);
    sqlite3_bind_text(save_, 6, workflow::toString(p.state).data(),
                      static_cast<int>(workflow::toString(p.state).size()), SQLITE_STATIC);
    sqlite3_bind_int64(save_, 7, ms.count());
    sqlite3_bind_int64(save_, 8, static_cast<sqlite3_int64>(p.checkpoints));
    if (sqlite3_step(save_) != SQLITE_DONE)
        return error("save " + p.site + "/" + p.host);
    return Status::ok();
}

Result<std::vector<HostProgress>> SqliteProgressStore::all() {
    std::lock_guard lock(mu_);
    StmtReset reset{all_};
    std::vector<HostProgress> out;
    for (;;) {
        const int rc = sqlite3_step(all_);
        if (rc == SQLITE_DONE)
            break;
        if (rc != SQLITE_ROW)
            return error("read all");
        auto p = row(all_);
        if (!p)
            return p.status();
        out.push_back(std::move(*p));
    }
    return out;
}

}  // namespace vq::store
