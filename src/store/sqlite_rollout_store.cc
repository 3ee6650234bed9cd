#include "store/sqlite_rollout_store.h"

#include <algorithm>
#include <deque>
#include <map>

#include <fmt/format.h>
#include <sqlite3.h>

namespace vq::store {
namespace {

using workflow::StoredRevision;

int64_t millis(workflow::WallTime t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

workflow::WallTime fromMillis(int64_t ms) {
    return workflow::WallTime(std::chrono::milliseconds(ms));
}

uint64_t column64(sqlite3_stmt* stmt, int col) {
    const sqlite3_int64 v = sqlite3_column_int64(stmt, col);
    return v < 0 ? 0 : static_cast<uint64_t>(v);
}

Status stepDone(SqliteDb& d, sqlite3_stmt* stmt, const std::string& what) {
    if (sqlite3_step(stmt) != SQLITE_DONE)
        return d.error(what);
    return Status::ok();
}

}  // namespace

Result<std::unique_ptr<SqliteRolloutStore>> SqliteRolloutStore::on(std::shared_ptr<SqliteDb> db) {
    std::unique_ptr<SqliteRolloutStore> s(new SqliteRolloutStore(std::move(db)));
    Status st = s->db_->read([&s](SqliteDb& d) -> Status {
        const std::pair<sqlite3_stmt**, const char*> statements[] = {
            {&s->q_.save_host,
             "INSERT OR REPLACE INTO rollout_hosts (host, phase, stage, revision, "
             "provisioned_revision, attempts, previous_revision, queued_revision, rolled_back, "
             "revalidate) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"},
            {&s->q_.save_flow,
             "INSERT OR REPLACE INTO rollout_flows (workflow, halted, reason, changing) VALUES "
             "(?1, ?2, ?3, ?4)"},
            {&s->q_.add_transition,
             "INSERT INTO rollout_transitions (host, time_ms, from_phase, to_phase, stage, "
             "revision, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
            {&s->q_.trim_transitions,
             "DELETE FROM rollout_transitions WHERE host = ?1 AND seq <= (SELECT seq FROM "
             "rollout_transitions WHERE host = ?1 ORDER BY seq DESC LIMIT 1 OFFSET ?2)"},
            {&s->q_.hosts,
             "SELECT host, phase, stage, revision, provisioned_revision, attempts, "
             "previous_revision, queued_revision, rolled_back, revalidate FROM rollout_hosts ORDER "
             "BY host"},
            {&s->q_.flows,
             "SELECT workflow, halted, reason, changing FROM rollout_flows ORDER BY workflow"},
            {&s->q_.transitions,
             "SELECT host, time_ms, from_phase, to_phase, stage, revision, reason FROM "
             "rollout_transitions ORDER BY host, seq"},
            {&s->q_.save_revision,
             "INSERT OR REPLACE INTO revisions (number, source_id, loaded_ms, commit_id, bundle) "
             "VALUES (?1, ?2, ?3, ?4, ?5)"},
            {&s->q_.latest_revision,
             "SELECT number, source_id, loaded_ms, commit_id, bundle FROM revisions ORDER BY "
             "number DESC LIMIT 1"},
            {&s->q_.revision,
             "SELECT number, source_id, loaded_ms, commit_id, bundle FROM revisions WHERE "
             "number = ?1"},
            {&s->q_.numbers, "SELECT number FROM revisions ORDER BY number"},
            {&s->q_.drop_revision, "DELETE FROM revisions WHERE number = ?1"},
            {&s->q_.next_revision,
             "SELECT max((SELECT coalesce(max(next), 1) FROM revision_counter), "
             "(SELECT coalesce(max(number), 0) + 1 FROM revisions))"},
            {&s->q_.set_next_revision,
             "INSERT OR REPLACE INTO revision_counter (id, next) VALUES (0, ?1)"},
            {&s->q_.follow, "SELECT revision FROM rollout_follow WHERE id = 0"},
            {&s->q_.set_follow,
             "INSERT OR REPLACE INTO rollout_follow (id, revision) VALUES (0, ?1)"},
        };
        for (const auto& [slot, sql] : statements) {
            auto stmt = d.prepare(sql);
            if (!stmt)
                return stmt.status();
            *slot = *stmt;
        }
        return Status::ok();
    });
    if (!st)
        return st;
    return s;
}

Result<workflow::RolloutState> SqliteRolloutStore::loadRollout(size_t history) {
    return db_->read([&](SqliteDb& d) -> Result<workflow::RolloutState> {
        workflow::RolloutState out;
        {
            StmtReset reset{q_.follow};
            const int rc = sqlite3_step(q_.follow);
            if (rc == SQLITE_ROW)
                out.follow = column64(q_.follow, 0);
            else if (rc != SQLITE_DONE)
                return d.error("read the planned revision");
        }
        {
            StmtReset reset{q_.hosts};
            int rc = 0;
            while ((rc = sqlite3_step(q_.hosts)) == SQLITE_ROW) {
                workflow::HostRecord r;
                r.key = columnText(q_.hosts, 0);
                auto phase = workflow::parsePhase(columnText(q_.hosts, 1));
                if (!phase) {
                    return Status::internal(
                        fmt::format("store {}: corrupt rollout record for {}", d.file(), r.key));
                }
                r.phase = *phase;
                r.stage =
                    static_cast<uint32_t>(std::min<uint64_t>(column64(q_.hosts, 2), 1u << 20));
                r.revision = column64(q_.hosts, 3);
                r.provisioned_revision = column64(q_.hosts, 4);
                r.attempts =
                    static_cast<uint32_t>(std::min<uint64_t>(column64(q_.hosts, 5), 1u << 20));
                r.previous_revision = column64(q_.hosts, 6);
                r.queued_revision = column64(q_.hosts, 7);
                r.rolled_back = sqlite3_column_int(q_.hosts, 8) != 0;
                r.revalidate = sqlite3_column_int(q_.hosts, 9) != 0;
                out.hosts.push_back(std::move(r));
            }
            if (rc != SQLITE_DONE)
                return d.error("read rollout hosts");
        }
        {
            StmtReset reset{q_.flows};
            int rc = 0;
            while ((rc = sqlite3_step(q_.flows)) == SQLITE_ROW) {
                out.flows.push_back(workflow::FlowRecord{
                    columnText(q_.flows, 0), sqlite3_column_int(q_.flows, 1) != 0,
                    columnText(q_.flows, 2), sqlite3_column_int(q_.flows, 3) != 0});
            }
            if (rc != SQLITE_DONE)
                return d.error("read rollout workflows");
        }
        {
            StmtReset reset{q_.transitions};
            std::map<std::string, std::deque<workflow::StoredTransition>, std::less<>> lists;
            int rc = 0;
            while ((rc = sqlite3_step(q_.transitions)) == SQLITE_ROW) {
                workflow::StoredTransition t;
                t.transition.host = columnText(q_.transitions, 0);
                t.time = fromMillis(sqlite3_column_int64(q_.transitions, 1));
                // An unknown phase name (a newer build's) shows as failed rather than
                // refusing the whole history.
                t.transition.from = workflow::parsePhase(columnText(q_.transitions, 2))
                                        .value_or(workflow::Phase::failed);
                t.transition.to = workflow::parsePhase(columnText(q_.transitions, 3))
                                      .value_or(workflow::Phase::failed);
                t.transition.stage = static_cast<uint32_t>(
                    std::min<uint64_t>(column64(q_.transitions, 4), 1u << 20));
                t.transition.revision = column64(q_.transitions, 5);
                t.transition.reason = columnText(q_.transitions, 6);
                auto& list = lists[t.transition.host];
                list.push_back(std::move(t));
                if (list.size() > history)
                    list.pop_front();
            }
            if (rc != SQLITE_DONE)
                return d.error("read rollout transitions");
            for (auto& [key, list] : lists)
                out.history[key] = std::vector<workflow::StoredTransition>(
                    std::make_move_iterator(list.begin()), std::make_move_iterator(list.end()));
        }
        return out;
    });
}

SqliteRolloutStore::Ticket SqliteRolloutStore::saveRollout(
    workflow::RolloutChanges changes,
    std::vector<workflow::StoredTransition> transitions,
    size_t history) {
    return db_->submit([this, changes = std::move(changes), transitions = std::move(transitions),
                        history](SqliteDb& d) -> Status {
        for (const auto& r : changes.hosts) {
            sqlite3_stmt* q = q_.save_host;
            StmtReset reset{q};
            bindText(q, 1, r.key);
            bindText(q, 2, std::string(workflow::toString(r.phase)));
            sqlite3_bind_int64(q, 3, r.stage);
            sqlite3_bind_int64(q, 4, static_cast<sqlite3_int64>(r.revision));
            sqlite3_bind_int64(q, 5, static_cast<sqlite3_int64>(r.provisioned_revision));
            sqlite3_bind_int64(q, 6, r.attempts);
            sqlite3_bind_int64(q, 7, static_cast<sqlite3_int64>(r.previous_revision));
            sqlite3_bind_int64(q, 8, static_cast<sqlite3_int64>(r.queued_revision));
            sqlite3_bind_int(q, 9, r.rolled_back ? 1 : 0);
            sqlite3_bind_int(q, 10, r.revalidate ? 1 : 0);
            VQ_TRY(stepDone(d, q, "save rollout host " + r.key));
        }
        for (const auto& f : changes.flows) {
            sqlite3_stmt* q = q_.save_flow;
            StmtReset reset{q};
            bindText(q, 1, f.id);
            sqlite3_bind_int(q, 2, f.halted ? 1 : 0);
            bindText(q, 3, f.reason);
            sqlite3_bind_int(q, 4, f.changing ? 1 : 0);
            VQ_TRY(stepDone(d, q, "save workflow " + f.id));
        }
        std::set<std::string> touched;
        for (const auto& t : transitions) {
            sqlite3_stmt* q = q_.add_transition;
            StmtReset reset{q};
            const auto& p = t.transition;
            bindText(q, 1, p.host);
            sqlite3_bind_int64(q, 2, millis(t.time));
            bindText(q, 3, std::string(workflow::toString(p.from)));
            bindText(q, 4, std::string(workflow::toString(p.to)));
            sqlite3_bind_int64(q, 5, p.stage);
            sqlite3_bind_int64(q, 6, static_cast<sqlite3_int64>(p.revision));
            bindText(q, 7, p.reason);
            VQ_TRY(stepDone(d, q, "save transition of " + p.host));
            touched.insert(p.host);
        }
        for (const auto& host : touched) {
            sqlite3_stmt* q = q_.trim_transitions;
            StmtReset reset{q};
            bindText(q, 1, host);
            sqlite3_bind_int64(q, 2, static_cast<sqlite3_int64>(history));
            VQ_TRY(stepDone(d, q, "trim transitions of " + host));
        }
        if (changes.follow != 0) {
            StmtReset reset{q_.set_follow};
            sqlite3_bind_int64(q_.set_follow, 1, static_cast<sqlite3_int64>(changes.follow));
            VQ_TRY(stepDone(d, q_.set_follow, "save the planned revision"));
        }
        return Status::ok();
    });
}

Status SqliteRolloutStore::wait(Ticket ticket) {
    return db_->wait(ticket);
}

Result<uint64_t> SqliteRolloutStore::allocateRevisionNumber(uint64_t at_least) {
    uint64_t number = 0;
    // In the writer's transaction: read, bump and commit as one, so two callers never get
    // the same number and the bump is on disk before the number is used.
    Status st = db_->write([this, at_least, &number](SqliteDb& d) -> Status {
        {
            StmtReset reset{q_.next_revision};
            if (sqlite3_step(q_.next_revision) != SQLITE_ROW)
                return d.error("read the next revision number");
            number = std::max(column64(q_.next_revision, 0), std::max<uint64_t>(at_least, 1));
        }
        StmtReset reset{q_.set_next_revision};
        sqlite3_bind_int64(q_.set_next_revision, 1, static_cast<sqlite3_int64>(number + 1));
        return stepDone(d, q_.set_next_revision, "save the next revision number");
    });
    if (!st)
        return st;
    return number;
}

Status SqliteRolloutStore::saveRevision(const StoredRevision& r) {
    return db_->write([this, &r](SqliteDb& d) -> Status {
        sqlite3_stmt* q = q_.save_revision;
        StmtReset reset{q};
        sqlite3_bind_int64(q, 1, static_cast<sqlite3_int64>(r.number));
        bindText(q, 2, r.source_id);
        sqlite3_bind_int64(q, 3, millis(r.loaded));
        bindText(q, 4, r.commit);
        sqlite3_bind_blob64(q, 5, r.bundle.data(), r.bundle.size(), SQLITE_STATIC);
        return stepDone(d, q, fmt::format("save revision {}", r.number));
    });
}

Result<std::optional<StoredRevision>> SqliteRolloutStore::readRevision(sqlite3_stmt* q) {
    const int rc = sqlite3_step(q);
    if (rc == SQLITE_DONE)
        return std::optional<StoredRevision>();
    if (rc != SQLITE_ROW)
        return db_->error("read revision");
    StoredRevision r;
    r.number = column64(q, 0);
    r.source_id = columnText(q, 1);
    r.loaded = fromMillis(sqlite3_column_int64(q, 2));
    r.commit = columnText(q, 3);
    const void* blob = sqlite3_column_blob(q, 4);
    const int size = sqlite3_column_bytes(q, 4);
    if (blob != nullptr && size > 0)
        r.bundle.assign(static_cast<const char*>(blob), static_cast<size_t>(size));
    return std::optional<StoredRevision>(std::move(r));
}

Result<std::optional<StoredRevision>> SqliteRolloutStore::latestRevision() {
    return db_->read([this](SqliteDb&) {
        StmtReset reset{q_.latest_revision};
        return readRevision(q_.latest_revision);
    });
}

Result<std::optional<StoredRevision>> SqliteRolloutStore::revision(uint64_t number) {
    return db_->read([this, number](SqliteDb&) {
        StmtReset reset{q_.revision};
        sqlite3_bind_int64(q_.revision, 1, static_cast<sqlite3_int64>(number));
        return readRevision(q_.revision);
    });
}

Result<std::vector<uint64_t>> SqliteRolloutStore::revisionNumbers() {
    return db_->read([this](SqliteDb& d) -> Result<std::vector<uint64_t>> {
        StmtReset reset{q_.numbers};
        std::vector<uint64_t> out;
        int rc = 0;
        while ((rc = sqlite3_step(q_.numbers)) == SQLITE_ROW)
            out.push_back(column64(q_.numbers, 0));
        if (rc != SQLITE_DONE)
            return d.error("list revisions");
        return out;
    });
}

Status SqliteRolloutStore::pruneRevisions(size_t keep, const std::set<uint64_t>& pinned) {
    auto numbers = revisionNumbers();
    if (!numbers)
        return numbers.status();
    std::vector<uint64_t> drop;
    const size_t n = numbers->size();
    for (size_t i = 0; i + keep < n; ++i) {
        if (pinned.count((*numbers)[i]) == 0)
            drop.push_back((*numbers)[i]);
    }
    if (drop.empty())
        return Status::ok();
    return db_->write([this, drop](SqliteDb& d) -> Status {
        for (uint64_t number : drop) {
            StmtReset reset{q_.drop_revision};
            sqlite3_bind_int64(q_.drop_revision, 1, static_cast<sqlite3_int64>(number));
            VQ_TRY(stepDone(d, q_.drop_revision, fmt::format("drop revision {}", number)));
        }
        return Status::ok();
    });
}

}  // namespace vq::store
