#include "store/sqlite_progress_store.h"

#include <cstdint>

#include <fmt/format.h>
#include <sqlite3.h>

namespace vq::store {
namespace {

using workflow::HostProgress;

constexpr const char* kColumns =
    "site, host, workflow, stage, boot, state, updated_ms, checkpoints";

}  // namespace

Result<std::unique_ptr<SqliteProgressStore>> SqliteProgressStore::openDir(
    const std::string& save_path) {
    auto db = SqliteDb::openDir(save_path);
    if (!db)
        return db.status();
    return on(std::move(*db));
}

Result<std::unique_ptr<SqliteProgressStore>> SqliteProgressStore::on(std::shared_ptr<SqliteDb> db) {
    std::unique_ptr<SqliteProgressStore> s(new SqliteProgressStore(std::move(db)));
    Status st = s->db_->read([&s](SqliteDb& d) -> Status {
        auto load = d.prepare(
            fmt::format("SELECT {} FROM host_progress WHERE site = ?1 AND host = ?2", kColumns));
        auto save = d.prepare(fmt::format(
            "INSERT OR REPLACE INTO host_progress ({}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            kColumns));
        auto all =
            d.prepare(fmt::format("SELECT {} FROM host_progress ORDER BY site, host", kColumns));
        if (!load || !save || !all)
            return !load ? load.status() : !save ? save.status() : all.status();
        s->load_ = *load;
        s->save_ = *save;
        s->all_ = *all;
        return Status::ok();
    });
    if (!st)
        return st;
    return s;
}

Result<HostProgress> SqliteProgressStore::row(sqlite3_stmt* stmt) const {
    HostProgress p;
    p.site = columnText(stmt, 0);
    p.host = columnText(stmt, 1);
    p.workflow = columnText(stmt, 2);
    const sqlite3_int64 stage = sqlite3_column_int64(stmt, 3);
    p.boot = columnText(stmt, 4);
    const std::string state = columnText(stmt, 5);
    auto parsed = workflow::parseHostState(state);
    if (!parsed || stage < 0 || stage > UINT32_MAX) {
        return Result<HostProgress>::error(
            StatusCode::internal,
            fmt::format("store {}: corrupt record for host {} of site {} (state '{}', stage {})",
                        db_->file(), p.host, p.site, state, stage));
    }
    p.stage = static_cast<uint32_t>(stage);
    p.state = *parsed;
    p.updated = workflow::WallTime(std::chrono::milliseconds(sqlite3_column_int64(stmt, 6)));
    p.checkpoints = static_cast<uint64_t>(sqlite3_column_int64(stmt, 7));
    return p;
}

Result<std::optional<HostProgress>> SqliteProgressStore::load(const std::string& site,
                                                              const std::string& host) {
    return db_->read([&](SqliteDb& d) -> Result<std::optional<HostProgress>> {
        StmtReset reset{load_};
        bindText(load_, 1, site);
        bindText(load_, 2, host);
        const int rc = sqlite3_step(load_);
        if (rc == SQLITE_DONE)
            return std::optional<HostProgress>();
        if (rc != SQLITE_ROW)
            return d.error("load");
        auto p = row(load_);
        if (!p)
            return p.status();
        return std::optional<HostProgress>(std::move(*p));
    });
}

Status SqliteProgressStore::save(const HostProgress& p) {
    auto ticket = queueSave(p);
    return ticket ? db_->wait(*ticket) : ticket.status();
}

Result<SqliteProgressStore::Ticket> SqliteProgressStore::queueSave(const HostProgress& p) {
    return db_->submit([this, p](SqliteDb& d) -> Status {
        StmtReset reset{save_};
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(p.updated.time_since_epoch());
        bindText(save_, 1, p.site);
        bindText(save_, 2, p.host);
        bindText(save_, 3, p.workflow);
        sqlite3_bind_int64(save_, 4, p.stage);
        bindText(save_, 5, p.boot);
        bindText(save_, 6, std::string(workflow::toString(p.state)));
        sqlite3_bind_int64(save_, 7, ms.count());
        sqlite3_bind_int64(save_, 8, static_cast<sqlite3_int64>(p.checkpoints));
        if (sqlite3_step(save_) != SQLITE_DONE)
            return d.error("save " + p.site + "/" + p.host);
        return Status::ok();
    });
}

Result<std::vector<HostProgress>> SqliteProgressStore::all() {
    return db_->read([&](SqliteDb& d) -> Result<std::vector<HostProgress>> {
        StmtReset reset{all_};
        std::vector<HostProgress> out;
        for (;;) {
            const int rc = sqlite3_step(all_);
            if (rc == SQLITE_DONE)
                break;
            if (rc != SQLITE_ROW)
                return d.error("read all");
            auto p = row(all_);
            if (!p)
                return p.status();
            out.push_back(std::move(*p));
        }
        return out;
    });
}

}  // namespace vq::store
